/** What the Docker engine honours on this host (the field report is written from it). */
import type { EngineCapabilities, EngineInfo } from '../container-engine';

export function dockerCapabilities(info: Pick<EngineInfo, 'rootless' | 'cgroupVersion' | 'cgroupDriver'>): EngineCapabilities {
  // Rootless Docker cannot write cgroups on v1 (and the cgroup helper would not be root on the host).
  const why = info.rootless ? 'rootless Docker cannot create the task cgroup on this host; the containers keep their own limits only' : undefined;
  const taskCgroup = { on: 'task-cgroup', version: info.cgroupVersion, driver: info.cgroupDriver } as const;
  return {
    taskLimits: why ? { notHonoured: why, wouldBeOn: 'task-cgroup' } : { honoured: taskCgroup },
    pidsLimit: why ? { notHonoured: why } : { honoured: taskCgroup },
    containerLimits: { honoured: true },
    // Docker's daemon schedules health checks itself, exactly as on an ECS host.
    healthSchedule: 'engine',
    healthCommandAsRun: () => undefined,
    // In the create request's environment, as the ECS agent sets them.
    secrets: 'api-environment',
    // Docker refuses a hostname for a container joined to another's network namespace.
    hostnameInSharedNetns: false,
    networkNamespace: 'pause-container',
    init: 'tini',
  };
}
