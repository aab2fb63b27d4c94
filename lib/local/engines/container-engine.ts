/**
 * One interface for the container engines the local runner drives (podman-engine.ts,
 * docker-engine.ts). Everything above it (prepare, up, the task runner, status, logs, down, the
 * end-to-end tests, the benchmark) is engine-neutral.
 */
import type { FieldReport } from '../spec';
import type { TaskSpec, ContainerSpec } from '../spec';

export type EngineKind = 'docker' | 'podman';
export const ENGINE_KINDS: readonly EngineKind[] = ['docker', 'podman'];

export interface EngineInfo {
  readonly kind: EngineKind;
  readonly version: string;
  /** The engine runs without root (rootless podman, rootless Docker). */
  readonly rootless: boolean;
  readonly cgroupVersion: 1 | 2;
  readonly cgroupDriver: 'cgroupfs' | 'systemd';
  /** The containers run on another kernel than this process (Docker Desktop, colima, podman machine). */
  readonly remote: boolean;
  /** Where the engine was reached (socket or binary), for messages. */
  readonly endpoint: string;
}

/** A container's state, normalized across engines. */
export interface ContainerStatus {
  /** created | running | exited | dead | removed ... */
  readonly status: string;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** healthy | unhealthy | starting | '' (no check) */
  readonly health: string;
  readonly healthOutput?: string;
  readonly image?: string;
}

export interface BuildRequest {
  readonly tag: string;
  readonly contextDir: string;
  /** Relative to contextDir. */
  readonly dockerfile: string;
  readonly labels: Record<string, string>;
  readonly buildArgs: Record<string, string>;
  readonly target?: string;
  readonly platform?: string;
  readonly networkMode?: string;
}

export interface LogOptions {
  readonly follow: boolean;
  /** ISO time or Unix seconds. */
  readonly since?: string;
  readonly tail?: number;
}

export interface Following {
  stop(): void;
  /** Resolves when the stream ends. */
  readonly done: Promise<void>;
}

/** A one-off container run to completion and removed: tool checks, the Docker cgroup helper. */
export interface RunOnceRequest {
  readonly image: string;
  readonly entrypoint?: string[];
  readonly cmd: string[];
  readonly user?: string;
  readonly env?: Record<string, string>;
  readonly labels: Record<string, string>;
  /** `host-path:container-path[:ro|rw]`. */
  readonly binds?: string[];
  /** Writable tmpfs mounts (noexec, nosuid, 16 MiB) on the otherwise read-only root. */
  readonly tmpfs?: string[];
  readonly timeoutMs?: number;
}

export interface ContainerEngine {
  readonly info: EngineInfo;
  /**
   * Whether the engine runs health checks on the definition's schedule itself (Docker's daemon does,
   * as on an ECS host), or the runner must trigger each probe (podman without systemd timers).
   */
  readonly runsHealthChecks: boolean;

  /** Fields the engine honours differently from the translation (cgroup limits it cannot set ...). */
  fieldNotes(task: TaskSpec, containers: ContainerSpec[]): FieldReport[];
  /**
   * The address the task sees for connections the host makes to a published port (the ALB
   * stand-in). `image` is one of the task's images, for engines that measure it with a container.
   */
  loadBalancerAddress(image: string): Promise<string>;

  imageExists(ref: string): Promise<boolean>;
  pullImage(ref: string, onLine: (line: string) => void): Promise<void>;
  buildImage(req: BuildRequest, onLine: (line: string) => void): Promise<void>;
  /** Import a root filesystem tarball as an image (the base-image fallback), with CMD ["bash"]. */
  importImage(tarFile: string, ref: string): Promise<void>;
  /** The image's config (CMD, ENTRYPOINT, USER), or undefined when absent. */
  imageConfig(ref: string): Promise<{ cmd: string[]; entrypoint: string[]; user: string } | undefined>;

  /** Create the task's namespace owner, cgroup and containers (not started). */
  createTask(task: TaskSpec, containers: ContainerSpec[], secretValues: ReadonlyMap<string, string>, onLine: (line: string) => void): Promise<void>;
  /** Whether a task of this name exists, and whether this runner created it (carries the label). */
  taskExists(taskName: string): Promise<'absent' | 'ours' | 'foreign'>;
  /** Remove everything carrying the task's label (containers, namespace owner, secrets, cgroup). */
  removeTask(taskName: string): Promise<string[]>;
  /** The task's cgroup path, relative to the cgroup mount, per controller (for limits checks). */
  taskCgroup(taskName: string): Promise<{ readonly v1: Record<string, string>; readonly v2?: string } | undefined>;

  startContainer(name: string): Promise<void>;
  stopContainer(name: string, timeoutS: number): Promise<void>;
  /** States by container name; a missing container maps to undefined. */
  inspectContainers(names: string[]): Promise<Map<string, ContainerStatus | undefined>>;
  /** The engine's own inspect document (Docker's shape on both engines), for tests and status. */
  inspectRaw(name: string): Promise<any | undefined>;
  /** Run the container's health check once (only where the engine does not schedule them). */
  runHealthCheck(name: string, timeoutMs: number): Promise<void>;
  /** Names of containers carrying label key=value (all states). */
  listContainers(labelKey: string, labelValue: string): Promise<string[]>;

  logs(name: string, opts: LogOptions, onLine: (line: string) => void): Following;
  exec(name: string, cmd: string[], opts?: { user?: string; timeoutMs?: number }): Promise<{ code: number; output: string }>;
  /** Run a one-off container without network, read-only, without capabilities; resolves with its exit code and output. */
  runOnce(req: RunOnceRequest): Promise<{ code: number; output: string }>;
}
