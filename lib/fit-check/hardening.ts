/**
 * The container the fit check runs: the hardening the task definition gives the app container
 * (lib/constructs/hardened-container.ts: all capabilities dropped, no-new-privileges, an init
 * process, the ulimits, the container's memory limit and CPU shares inside the task's CPU, memory and
 * PIDs limits, a 16 MiB noexec /tmp), in the engine-neutral form the local runner renders for
 * Docker and podman (lib/local/spec.ts). Two things differ by design: the root filesystem is a
 * writable overlay in the first pass, so the engine's diff shows what the program writes, and the
 * user is the image's own (the task refuses root; the check runs it to report what else it needs).
 * Pure; unit-tested in test/fit-check/hardening.test.ts.
 */
import { CONTAINER_ULIMITS, type WritablePath } from '../constructs/hardened-container';
import type { ContainerSpec, TaskSpec } from '../local/spec';

/** The task's /tmp (lib/constructs/hardened-task-definition.ts), and the options of every declared path. */
const TMPFS_OPTIONS = ['rw', 'noexec', 'nosuid', 'nodev'] as const;
export const TASK_TMP = '/tmp';
/** Its size, as TMPFS_SIZE_MIB there; the size suggested for each declared path too. */
export const TASK_TMP_MIB = 16;

export interface FitLimits {
  /** Task CPU units (1024 = one CPU). */
  readonly taskCpu: number;
  readonly taskMemoryMiB: number;
  /** The hosts' ECS_TASK_PIDS_LIMIT. */
  readonly taskPidsLimit: number;
  readonly appMemoryMiB: number;
  readonly appCpuShares: number;
}

export interface FitRun {
  readonly taskName: string;
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly containerPort: number;
  readonly hostPort: number;
  /** false: the writable overlay of the first pass; true: the task's read-only root. */
  readonly readOnlyRoot: boolean;
  /** Declared paths (the second pass): tmpfs of this size each, besides the task's /tmp. */
  readonly writablePaths: WritablePath[];
  readonly limits: FitLimits;
  /** TaskSpec.helperImage: an image with `sleep` and `sh` for the engine's helpers; unset: the image itself. */
  readonly helperImage?: string;
}

export const appContainerName = (taskName: string) => `${taskName}-app`;

export function fitTask(run: FitRun): { task: TaskSpec; container: ContainerSpec } {
  const task: TaskSpec = {
    name: run.taskName,
    labels: run.labels,
    cpuUnits: run.limits.taskCpu,
    memoryMiB: run.limits.taskMemoryMiB,
    pidsLimit: run.limits.taskPidsLimit,
    share: [],
    // The probe's only way in; 127.0.0.1 keeps the image off every other interface.
    publish: [{ hostIp: '127.0.0.1', hostPort: run.hostPort, containerPort: run.containerPort, protocol: 'tcp' }],
    sysctls: {},
    dns: [],
    dnsSearch: [],
    extraHosts: [],
    helperImage: run.helperImage,
  };
  const tmpfs: Record<string, string[]> = { [TASK_TMP]: [...TMPFS_OPTIONS, `size=${TASK_TMP_MIB}m`] };
  for (const w of run.writablePaths) tmpfs[w.containerPath] = [...TMPFS_OPTIONS, `size=${w.sizeMiB}m`];
  const container: ContainerSpec = {
    engineName: appContainerName(run.taskName),
    image: run.image,
    labels: run.labels,
    env: {},
    secrets: [],
    tty: false,
    interactive: false,
    stopTimeoutS: 5,
    readOnlyRootfs: run.readOnlyRoot,
    tmpfs,
    capDrop: ['ALL'],
    capAdd: [],
    securityOpt: ['no-new-privileges'],
    init: true,
    privileged: false,
    memoryMiB: run.limits.appMemoryMiB,
    cpuShares: run.limits.appCpuShares,
    ulimits: CONTAINER_ULIMITS.map((u) => ({ name: String(u.name), soft: u.softLimit, hard: u.hardLimit })),
    devices: [],
    sysctls: {},
  };
  return { task, container };
}
