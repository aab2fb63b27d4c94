/** What the podman engine honours on this host (the field report is written from it). */
import type { EngineCapabilities, EngineInfo } from '../container-engine';
import { healthCmdArg } from './args';

/** Rootless podman on cgroup v1 cannot set any resource limit (podman ignores them with a warning). */
function limitsUnsupported(info: Pick<EngineInfo, 'rootless' | 'cgroupVersion'>): string | undefined {
  return info.rootless && info.cgroupVersion === 1
    ? 'rootless podman on cgroup v1 cannot set resource limits (podman ignores them): run Docker or rootful podman, or boot with cgroup v2'
    : undefined;
}

/**
 * podman pods have no PIDs limit option (podman 4 `pod create` has --cpus and --memory only), so the
 * runner writes pids.max of the pod cgroup itself (pod-pids.ts), which works as root on cgroupfs.
 * Rootless, on cgroup v1 the user cannot write it. On cgroup v2 with pids delegated the write
 * succeeds but does not hold: test/vm part 5 (Debian 13, podman 5.4) read "max" back after the runner
 * wrote 256. The pod's slice belongs to the user's systemd manager, which probably writes it back
 * when it adds the containers' scopes (not confirmed); setting TasksMax on the slice through systemd
 * is the way left to try.
 */
function podPidsUnsupported(info: Pick<EngineInfo, 'rootless' | 'remote' | 'cgroupVersion' | 'cgroupControllers'>): string | undefined {
  if (info.remote) return 'podman runs in another machine (podman machine): the runner cannot write its pod cgroup, so the task has no PIDs limit';
  if (!info.rootless) return undefined;
  if (info.cgroupVersion === 1)
    return 'podman pods have no PIDs limit option and rootless podman on cgroup v1 cannot write the pod cgroup: the task has no PIDs limit';
  if (!info.cgroupControllers?.includes('pids'))
    return `podman pods have no PIDs limit option and systemd does not delegate the pids controller to this user (podman lists ${info.cgroupControllers?.join(' ') || 'none'}): the task has no PIDs limit`;
  return "podman pods have no PIDs limit option and the pids.max the runner writes in the pod's systemd slice does not hold (read back as max on Debian 13, podman 5.4): the task has no PIDs limit";
}

export function podmanCapabilities(info: Pick<EngineInfo, 'rootless' | 'cgroupVersion' | 'remote' | 'cgroupControllers'>): EngineCapabilities {
  const why = limitsUnsupported(info);
  const pidsWhy = podPidsUnsupported(info);
  const pod = { on: 'engine-task' } as const;
  return {
    taskLimits: why ? { notHonoured: why, wouldBeOn: 'engine-task' } : { honoured: pod },
    pidsLimit: pidsWhy ? { notHonoured: pidsWhy } : { honoured: pod },
    containerLimits: why ? { notHonoured: why } : { honoured: true },
    // podman's own health-check timers need systemd: the runner triggers each probe.
    healthSchedule: 'runner',
    healthCommandAsRun: (test) => {
      const cmd = healthCmdArg(test);
      return cmd.exact ? undefined : cmd.arg;
    },
    // A podman secret of type env: in no command line and not in `podman inspect`.
    secrets: 'engine-secret',
    hostnameInSharedNetns: true,
    networkNamespace: 'engine-task',
    init: 'catatonit',
  };
}
