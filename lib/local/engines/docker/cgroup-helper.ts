/** The task cgroup on Docker: set and removed from inside a short-lived root container. */
import type Docker from 'dockerode';
import { LocalStepError } from '../../errors';
import { ROLE_LABEL_KEY } from '../../labels';
import { runOnce } from './streams';

/** The cgroup tree of the daemon's machine, as the cgroup helper container sees it. */
export const CGROUP_MOUNT = '/host-cgroup';

/**
 * Run a script as root in a short-lived container that sees the daemon host's cgroup tree: the
 * only way to set a parent cgroup's limits that works for a `docker` group member and inside
 * Docker Desktop's or colima's VM. It has no network and no capabilities (cgroupfs checks only
 * file permissions, and the files belong to root).
 */
export async function runCgroupHelper(docker: Docker, labelKey: string, taskName: string, image: string, script: string, step: string): Promise<string> {
  const r = await runOnce(docker, {
    image,
    user: '0:0',
    entrypoint: ['sh', '-c'],
    cmd: [script],
    labels: { [labelKey]: taskName, [ROLE_LABEL_KEY]: 'cgroup-setup' },
    binds: [`/sys/fs/cgroup:${CGROUP_MOUNT}:rw`],
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new LocalStepError(step, `the cgroup helper exited with ${r.code}`, r.output.split('\n').filter(Boolean));
  return r.output;
}
