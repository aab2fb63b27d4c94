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
 * podman pods have no PIDs limit option, so the runner sets the pod cgroup's pids.max itself
 * (pod-pids.ts): a write with the cgroupfs manager, the slice's TasksMax through systemctl with the
 * systemd manager (systemd resets a slice's pids.max written behind its back: test/vm part 5).
 * Rootless, on cgroup v1 the user cannot write it; on cgroup v2 it needs the pids controller
 * delegated to the user and the systemd manager (with cgroupfs rootless podman creates no pod cgroup).
 */
function podPidsUnsupported(info: Pick<EngineInfo, 'rootless' | 'remote' | 'cgroupVersion' | 'cgroupDriver' | 'cgroupControllers'>): string | undefined {
  if (info.remote) return 'podman runs in another machine (podman machine): the runner cannot write its pod cgroup, so the task has no PIDs limit';
  if (!info.rootless) return undefined;
  if (info.cgroupVersion === 1)
    return 'podman pods have no PIDs limit option and rootless podman on cgroup v1 cannot write the pod cgroup: the task has no PIDs limit';
  if (!info.cgroupControllers?.includes('pids'))
    return `podman pods have no PIDs limit option and systemd does not delegate the pids controller to this user (podman lists ${info.cgroupControllers?.join(' ') || 'none'}): the task has no PIDs limit`;
  if (info.cgroupDriver !== 'systemd')
    return 'podman pods have no PIDs limit option and rootless podman with the cgroupfs cgroup manager creates no pod cgroup to limit (use cgroup_manager = "systemd" in containers.conf): the task has no PIDs limit';
  return undefined;
}

export function podmanCapabilities(info: Pick<EngineInfo, 'rootless' | 'cgroupVersion' | 'cgroupDriver' | 'remote' | 'cgroupControllers'>): EngineCapabilities {
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
