/**
 * One interface for the container engines the local runner drives (docker/engine.ts,
 * podman/engine.ts), and what each declares it can do on this host (EngineCapabilities). Everything
 * above it (prepare, up, the task runner, status, logs, down, the end-to-end tests) is
 * engine-neutral, the benchmark included (bench/tasks.ts).
 */
import type { TaskSpec, ContainerSpec, VolumeSpec } from '../spec';
import type { StandinSpec } from '../standin/standin-spec';

export type EngineKind = 'docker' | 'podman';
export const ENGINE_KINDS: readonly EngineKind[] = ['docker', 'podman'];

export interface EngineInfo {
  readonly kind: EngineKind;
  readonly version: string;
  /** The engine runs without root (rootless podman, rootless Docker). */
  readonly rootless: boolean;
  readonly cgroupVersion: 1 | 2;
  readonly cgroupDriver: 'cgroupfs' | 'systemd';
  /**
   * The cgroup controllers the engine may use, where it says (podman info's host.cgroupControllers):
   * for rootless podman on cgroup v2, the ones systemd delegates to the user's manager (user@.service's
   * Delegate=). Unset: the engine does not say.
   */
  readonly cgroupControllers?: readonly string[];
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
  /** Capabilities it keeps (CHOWN for the volume-owner setup); every other one is dropped. */
  readonly capAdd?: string[];
  readonly timeoutMs?: number;
}

/** The image's run configuration: what runs, as whom, and the ports it declares (EXPOSE). */
export interface ImageConfig {
  readonly cmd: string[];
  readonly entrypoint: string[];
  readonly user: string;
  /** TCP ports of EXPOSE lines, ascending. */
  readonly exposedTcpPorts: number[];
}

/** The TCP ports of an image config's ExposedPorts (`{"8080/tcp": {}}`, the same shape on both engines), ascending. */
export function exposedTcpPorts(exposed: unknown): number[] {
  if (typeof exposed !== 'object' || exposed === null) return [];
  return Object.keys(exposed)
    .map((key) => /^(\d{1,5})(\/tcp)?$/.exec(key))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= 1 && Number(m[1]) <= 65535)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** What identifies a local image: its content-addressed id and the registry digests it was pushed or pulled under. */
export interface ImageIdentity {
  /** `sha256:<64 hex>`, the image's config digest (Docker's Id; podman's Id with the algorithm added). */
  readonly id: string;
  /** `name@sha256:...` for each registry the image came from or went to; empty for an image only built here. */
  readonly repoDigests: string[];
}

/** The longest a read of files out of an image may take (create, copy, remove). */
export const IMAGE_FILES_TIMEOUT_MS = 60_000;
/** The most bytes a read of files out of an image keeps: a dpkg database is a few MiB; more is refused. */
export const IMAGE_FILES_MAX_BYTES = 64 * 1024 * 1024;

/** One entry of the engine's diff of a container's filesystem against its image (`docker diff`). */
export interface FilesystemChange {
  readonly path: string;
  readonly kind: 'added' | 'changed' | 'deleted';
}

/** How this host's engine honours a kind of limit, or why it cannot. */
export type Support<How> = { readonly honoured: How } | { readonly notHonoured: string };

/**
 * Where a task limit is set: on a task cgroup the runner creates as the parent of every container (the
 * ECS agent's own shape, agent/taskresource/cgroup/cgroup.go), or on the cgroup of the engine's own
 * task object (podman's pod) through its options or files.
 */
export type TaskLimitPlace = { readonly on: 'task-cgroup'; readonly version: 1 | 2; readonly driver: 'cgroupfs' | 'systemd' } | { readonly on: 'engine-task' };

/**
 * What an engine does with the task on this host, as facts: the field report (translate/field-report.ts)
 * writes every sentence from the translation plus these.
 */
export interface EngineCapabilities {
  /**
   * The task's CPU and memory limits. Where they cannot be set, `wouldBeOn` says what lacks them: the
   * task cgroup as a whole, or the engine's task object, each limit on its own.
   */
  readonly taskLimits: { readonly honoured: TaskLimitPlace } | { readonly notHonoured: string; readonly wouldBeOn: TaskLimitPlace['on'] };
  /** The hosts' ECS_TASK_PIDS_LIMIT, as pids.max of the task. */
  readonly pidsLimit: Support<TaskLimitPlace>;
  /** Each container's own memory and CPU shares. */
  readonly containerLimits: Support<true>;
  /**
   * Who runs the health checks on the definition's schedule: the engine itself (Docker's daemon, as
   * on an ECS host), or the runner, which triggers each probe (podman without systemd timers).
   */
  readonly healthSchedule: 'engine' | 'runner';
  /** The command the engine runs for a health check when it differs from the template's (a shell form), else undefined. */
  healthCommandAsRun(test: string[]): string | undefined;
  /** How a secret's value reaches the container: as an engine secret, or in the create request's environment. */
  readonly secrets: 'engine-secret' | 'api-environment';
  /** Whether a container joined to the task's network namespace may set its own hostname. */
  readonly hostnameInSharedNetns: boolean;
  /** What owns the task's network namespace: a pause container, as the ECS agent builds an awsvpc task, or the engine's own task object. */
  readonly networkNamespace: 'pause-container' | 'engine-task';
  /** What `--init` runs as PID 1: Docker's docker-init (tini, as on ECS), or podman's catatonit. */
  readonly init: 'tini' | 'catatonit';
}

/** The name of the pause container that owns a task's network namespace, where there is one. */
export const pauseName = (task: Pick<TaskSpec, 'name'>) => `${task.name}-pause`;

/**
 * The first IPv4 address an inspect document of the task's namespace owner (Docker's pause
 * container, podman's infra container; both engines write Docker's shape) gives it on an engine
 * network, or undefined when it has none (rootless podman's slirp4netns, network mode none).
 */
export function networkAddressOf(inspect: any): string | undefined {
  const networks = Object.values<any>(inspect?.NetworkSettings?.Networks ?? {});
  return [...networks.map((n) => n?.IPAddress), inspect?.NetworkSettings?.IPAddress].find((a) => typeof a === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(a));
}

export interface ContainerEngine {
  readonly info: EngineInfo;
  /** What it honours on this host, and how (the field report is written from these). */
  readonly capabilities: EngineCapabilities;
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
  /** The image's config (CMD, ENTRYPOINT, USER, EXPOSE), or undefined when absent. */
  imageConfig(ref: string): Promise<ImageConfig | undefined>;
  /** The image's id and registry digests, or undefined when absent. */
  imageIdentity(ref: string): Promise<ImageIdentity | undefined>;
  /**
   * The regular files at `imagePath` in the image (the file, or every file under the directory), read
   * without running anything from it: a container is created, never started, copied from (`docker
   * cp`) and removed. Keys are absolute paths in the image; empty when the path does not exist. At
   * most IMAGE_FILES_MAX_BYTES, within IMAGE_FILES_TIMEOUT_MS. For the SBOM (lib/sbom/).
   */
  readImageFiles(ref: string, imagePath: string): Promise<Map<string, Buffer>>;

  /** Create the task's namespace owner, cgroup and containers (not started). */
  createTask(task: TaskSpec, containers: ContainerSpec[], secretValues: ReadonlyMap<string, string>, onLine: (line: string) => void): Promise<void>;
  /**
   * An internal network for the task and what it may reach (the stand-in database): no route out of
   * it and no address of the host on it, so nothing but its members is reachable through it.
   */
  createNetwork(name: string, labels: Record<string, string>): Promise<{ subnet: string }>;
  /** Create the volume unless it exists (then `created` is false); a new one gets `volume.owner`. A task-scoped one is always created afresh. */
  ensureVolume(volume: VolumeSpec, labels: Record<string, string>, helperImage: string): Promise<{ created: boolean }>;
  /** Remove the volumes carrying the task's label (`local down --volumes`). */
  removeVolumes(taskName: string): Promise<string[]>;
  /** Create (not start) the stand-in database's container; `secretEnv` values never reach argv or output. */
  createStandin(spec: StandinSpec, secretEnv: ReadonlyMap<string, string>): Promise<void>;
  /** Whether a task of this name exists, and whether this runner created it (carries the label). */
  taskExists(taskName: string): Promise<'absent' | 'ours' | 'foreign'>;
  /** Remove everything carrying the task's label (containers, namespace owner, secrets, networks, cgroup, task-scoped volumes); kept volumes stay. */
  removeTask(taskName: string): Promise<string[]>;
  /**
   * The task's own address on the engine's network: its namespace owner's (networkAddressOf), where
   * an ALB sends an awsvpc task's traffic (the task's ENI), past the engine's port publishing. Not
   * necessarily reachable from the host (a task on an internal network); undefined when it has none.
   * For the bench's load (bench/load-target.ts).
   */
  taskAddress(taskName: string): Promise<string | undefined>;
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
  /**
   * What the container wrote, added or deleted against its image (`docker diff`, `podman diff`);
   * tmpfs and volume mounts are not part of it. For the fit check (lib/fit-check/).
   */
  diff(name: string): Promise<FilesystemChange[]>;
  /** Names of containers carrying label key=value (all states). */
  listContainers(labelKey: string, labelValue: string): Promise<string[]>;
  /** Names of the tasks with a container carrying this engine's task label (any state), each once: what `down` can remove. */
  listTasks(): Promise<string[]>;

  logs(name: string, opts: LogOptions, onLine: (line: string) => void): Following;
  exec(name: string, cmd: string[], opts?: { user?: string; timeoutMs?: number }): Promise<{ code: number; output: string }>;
  /** Run a one-off container without network, read-only, without capabilities; resolves with its exit code and output. */
  runOnce(req: RunOnceRequest): Promise<{ code: number; output: string }>;
}
