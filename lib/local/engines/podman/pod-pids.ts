/**
 * The task PIDs limit on podman: pods have no PIDs limit option (podman 5 `pod create` has --cpus and
 * --memory, no --pids-limit), so the runner sets pids.max of the pod cgroup itself.
 *
 * - cgroupfs manager: the runner writes pids.max; nothing else manages the cgroup.
 * - systemd manager (rootless podman on cgroup v2 always; rootful podman on systemd hosts): the pod
 *   cgroup is a slice unit of the system manager (machine-libpod_pod_<id>.slice) or of the user's
 *   (user-libpod_pod_<id>.slice). systemd rewrites a slice's attributes from the unit's properties
 *   when it adds a unit below it: test/vm showed a pids.max written before the first container
 *   started read back as "max" afterwards. So the limit is the slice's TasksMax, set through
 *   `systemctl [--user] set-property --runtime` (a drop-in under /run that goes with the unit), which
 *   held through further containers and a daemon-reload in the same VM.
 * Either way pids.max is read back: a limit that does not read back fails the start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EngineInfo } from '../container-engine';
import { LocalStepError } from '../../errors';
import { runLines } from '../../run-lines';

const STEP = 'set the task PIDs limit';

/** How long `systemctl set-property` may take (it waits for the manager's D-Bus reply). */
const SYSTEMCTL_TIMEOUT_MS = 30_000;

/** The pod's cgroup, as podman reports it (`pod inspect` CgroupPath, relative to the cgroup root). */
export interface PodCgroup {
  readonly v1: Record<string, string>;
  readonly v2?: string;
}

/** The systemctl command line that makes `limit` the pod slice's TasksMax (systemd manager only). */
export function tasksMaxCommand(info: Pick<EngineInfo, 'rootless'>, podCgroup: string, limit: number): string[] {
  const slice = path.posix.basename(podCgroup);
  if (!slice.endsWith('.slice')) throw new LocalStepError(STEP, `podman's pod cgroup ${JSON.stringify(podCgroup)} is not a systemd slice`);
  return [...(info.rootless ? ['--user'] : []), 'set-property', '--runtime', slice, `TasksMax=${limit}`];
}

export async function setPodPidsLimit(
  info: Pick<EngineInfo, 'rootless' | 'cgroupVersion' | 'cgroupDriver'>,
  cg: PodCgroup | undefined,
  limit: number,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const relative = info.cgroupVersion === 2 ? cg?.v2 : cg?.v1.pids;
  if (!relative) throw new LocalStepError(STEP, 'podman reported no cgroup path for the pod');
  const file = info.cgroupVersion === 2 ? path.join('/sys/fs/cgroup', relative, 'pids.max') : path.join('/sys/fs/cgroup/pids', relative, 'pids.max');
  if (info.cgroupDriver === 'systemd') {
    const args = tasksMaxCommand(info, relative, limit);
    const r = await runLines('systemctl', args, { env, timeoutMs: SYSTEMCTL_TIMEOUT_MS, tail: 3 });
    if (r.code !== 0) throw new LocalStepError(STEP, `systemctl ${args.join(' ')} failed (exit ${r.code}): ${r.tail.join(' ')}`);
  } else {
    try {
      writeFileSync(file, String(limit));
    } catch (e) {
      throw new LocalStepError(STEP, `could not write ${limit} to ${file}: ${(e as Error).message}`);
    }
  }
  let got: string;
  try {
    got = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new LocalStepError(STEP, `could not read back ${file}: ${(e as Error).message}`);
  }
  if (got !== String(limit)) throw new LocalStepError(STEP, `${file} reads ${got} after setting ${limit}`);
}
