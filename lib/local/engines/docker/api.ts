/**
 * Render the engine-neutral task (spec.ts) as Docker Engine API create bodies, shaped the way
 * the ECS agent builds an awsvpc task on Docker: a pause container owns the task's network namespace
 * (the agent's amazon-ecs-pause; agent/api/task/task.go adds it for awsvpc tasks) and every container
 * joins it with `NetworkMode: container:<pause>`; all of them sit beneath one task cgroup that carries
 * the task's CPU and memory (`CgroupParent`, as the agent's task cgroup resource does:
 * agent/taskresource/cgroup/cgroup.go, root created in agent/resources/cgroup/init_linux.go).
 * Pure; unit-tested in test/local/.
 * https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerCreate
 */
import type { ContainerCreateOptions } from 'dockerode';
import { ROLE_LABEL_KEY } from '../../labels';
import { pauseName } from '../container-engine';
import type { CgroupLayout } from '../task-cgroup';
import type { ContainerSpec, TaskSpec } from '../../spec';

const MiB = 1024 * 1024;

/** @types/dockerode lags the API: CgroupnsMode (API 1.41) is missing. */
type CreateBody = ContainerCreateOptions & { HostConfig: NonNullable<ContainerCreateOptions['HostConfig']> & { CgroupnsMode?: 'private' | 'host' } };
const NS_PER_S = 1e9;

/**
 * The pause container's own limits, inside the task cgroup (CIS Docker Benchmark 5.11, 5.12, 5.19,
 * 5.29). The ECS agent creates its pause container like any container without resources
 * (agent/api/task/task.go, addNetworkResourceProvisioningDependencyAwsvpc and getDockerResources):
 * memory 0 and CPU shares 2, the agent's floor for a container with no `cpu`
 * (agent/api/task/task_linux.go, dockerCPUShares, minimumCPUShares), no PIDs limit, no ulimits.
 * The CPU shares are ECS's; the rest is stricter than ECS and bounds only `sleep`: measured on
 * Docker 20.10 with cgroup v1, its memory cgroup peaks at 3.4 MiB while the runtime starts it
 * (Docker's floor is 6 MiB) and it holds one process and three descriptors.
 */
const PAUSE_LIMITS = { memoryMiB: 16, cpuShares: 2, pids: 16, nofile: 64 } as const;

/**
 * The pause container: it only holds the network namespace (and the PID/IPC namespaces the task
 * shares), publishes the task's ports on 127.0.0.1, and runs `sleep` as an unprivileged user with the
 * same hardening as the task (read-only root, no capabilities, no-new-privileges) and small limits of
 * its own (PAUSE_LIMITS). No health check: ECS runs none on its pause container, and a probe would
 * spend the task's CPU quota to learn what `State.Running` says already.
 */
export function dockerPauseBody(task: TaskSpec, image: string, cgroup: CgroupLayout | undefined): CreateBody {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  // On the stand-in's internal network only, the task publishes nothing itself: the ingress relays do (standin.ts).
  for (const p of task.network ? [] : task.publish) {
    const key = `${p.containerPort}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  }
  return {
    name: pauseName(task),
    Image: image,
    Entrypoint: ['sleep'],
    Cmd: ['infinity'],
    User: '65534:65534',
    Labels: { ...task.labels, [ROLE_LABEL_KEY]: 'pause' },
    ExposedPorts: exposed,
    // sleep as PID 1 ignores SIGTERM; nothing in it needs a graceful stop.
    StopSignal: 'SIGKILL',
    Healthcheck: { Test: ['NONE'] },
    HostConfig: {
      NetworkMode: task.network?.name,
      PortBindings: bindings,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Sysctls: task.sysctls,
      Dns: task.dns,
      DnsSearch: task.dnsSearch,
      ExtraHosts: task.extraHosts,
      IpcMode: task.share.includes('ipc') ? 'shareable' : 'private',
      CgroupParent: cgroup?.parent,
      CgroupnsMode: 'private',
      Memory: PAUSE_LIMITS.memoryMiB * MiB,
      CpuShares: PAUSE_LIMITS.cpuShares,
      PidsLimit: PAUSE_LIMITS.pids,
      // Measurement only (TaskSpec.measurementCpuset): never set by `local up`; ECS has no cpuset.
      CpusetCpus: task.measurementCpuset,
      Ulimits: [{ Name: 'nofile', Soft: PAUSE_LIMITS.nofile, Hard: PAUSE_LIMITS.nofile }],
      RestartPolicy: { Name: 'no' },
    },
  };
}

/** One of the task's containers, joined to the pause container's namespaces. */
export function dockerContainerBody(c: ContainerSpec, task: TaskSpec, cgroup: CgroupLayout | undefined, secretValues: ReadonlyMap<string, string>): CreateBody {
  const pause = `container:${pauseName(task)}`;
  const env = [...Object.entries(c.env).map(([k, v]) => `${k}=${v}`)];
  for (const s of c.secrets) {
    const value = secretValues.get(s.secretId);
    if (value === undefined) throw new Error(`no local value for the secret ${s.envName} of ${c.engineName}`);
    env.push(`${s.envName}=${value}`);
  }
  return {
    name: c.engineName,
    Image: c.image,
    Entrypoint: c.entrypoint,
    Cmd: c.command,
    User: c.user,
    WorkingDir: c.workingDir,
    Env: env,
    Labels: c.labels,
    Tty: c.tty,
    OpenStdin: c.interactive,
    StopTimeout: c.stopTimeoutS,
    // ECS monitors only the task definition's health check; without one, the image's is turned off.
    Healthcheck: c.health
      ? {
          Test: c.health.test,
          Interval: c.health.intervalS * NS_PER_S,
          Timeout: c.health.timeoutS * NS_PER_S,
          Retries: c.health.retries,
          StartPeriod: c.health.startPeriodS * NS_PER_S,
        }
      : { Test: ['NONE'] },
    HostConfig: {
      NetworkMode: pause,
      PidMode: task.share.includes('pid') ? pause : '',
      IpcMode: task.share.includes('ipc') ? pause : 'private',
      CgroupParent: cgroup?.parent,
      CgroupnsMode: 'private',
      ReadonlyRootfs: c.readOnlyRootfs,
      Tmpfs: Object.fromEntries(Object.entries(c.tmpfs).map(([p, opts]) => [p, opts.join(',')])),
      Mounts: c.mounts?.length ? c.mounts.map((m) => ({ Type: m.kind, Source: m.source, Target: m.target, ReadOnly: m.readOnly })) : undefined,
      CapDrop: c.capDrop,
      CapAdd: c.capAdd,
      SecurityOpt: c.securityOpt,
      Init: c.init,
      Privileged: c.privileged,
      Memory: c.memoryMiB !== undefined ? c.memoryMiB * MiB : undefined,
      MemoryReservation: c.memoryReservationMiB !== undefined ? c.memoryReservationMiB * MiB : undefined,
      MemorySwap: c.memorySwapMiB !== undefined ? c.memorySwapMiB * MiB : undefined,
      MemorySwappiness: c.swappiness,
      ShmSize: c.shmSizeMiB !== undefined ? c.shmSizeMiB * MiB : undefined,
      CpuShares: c.cpuShares,
      // Measurement only (TaskSpec.measurementCpuset): the bench's CPUs for the task; ECS has no cpuset,
      // and Docker's task cgroup here carries no cpuset controller, so each container gets it.
      CpusetCpus: task.measurementCpuset,
      Ulimits: c.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      Devices: c.devices.map((d) => ({ PathOnHost: d.hostPath, PathInContainer: d.containerPath, CgroupPermissions: d.permissions || 'rwm' })),
      Sysctls: c.sysctls,
      // The runner applies the task definition's restart policy itself (runner/task-supervisor.ts).
      RestartPolicy: { Name: 'no' },
    },
  };
}
