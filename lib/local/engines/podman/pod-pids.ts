/**
 * The task PIDs limit on podman: pods have no PIDs limit option (podman 4 `pod create` has --cpus and
 * --memory only), so the runner writes pids.max of the pod cgroup itself.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalStepError } from '../../errors';

/** pids.max of the pod cgroup, which podman creates with the pod (cgroupfs and systemd alike). */
export function writePodPidsLimit(cgroupVersion: 1 | 2, cg: { v1: Record<string, string>; v2?: string } | undefined, limit: number): void {
  const file = cgroupVersion === 2 ? path.join('/sys/fs/cgroup', cg?.v2 ?? '', 'pids.max') : path.join('/sys/fs/cgroup/pids', cg?.v1.pids ?? '', 'pids.max');
  try {
    if (!cg?.v1.pids) throw new Error('podman reported no cgroup path for the pod');
    writeFileSync(file, String(limit));
  } catch (e) {
    throw new LocalStepError('set the task PIDs limit', `could not write ${limit} to ${file}: ${(e as Error).message}`);
  }
}
