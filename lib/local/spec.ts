/**
 * The engine-neutral form of a translated task: what the translator (translate/task.ts,
 * translate/container.ts) reads out of the task definition, before any engine renders it, and the
 * words the runner, the state files and the field report share about it. Its fields
 * follow the Docker Engine API's container create body (Config + HostConfig), which is also how the
 * ECS agent hands a container to Docker; the podman engine renders the same spec as `podman create`
 * flags (engines/podman/args.ts), the Docker engine as an API body (engines/docker/api.ts).
 * https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerCreate
 */

/** What happened to one field of the task definition locally. */
export type FieldOutcome = 'honoured' | 'deviation' | 'not-honoured';

export interface FieldReport {
  /** `<container>.<Field>[.<SubField>]`, or `task.<Field>` for task-level fields. */
  readonly path: string;
  readonly outcome: FieldOutcome;
  /** honoured: how (the `docker run`/`podman create` flag, or the runner); deviation and not-honoured: what happens instead. */
  readonly detail: string;
}

export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

/** One dependsOn entry: start only once `container` meets `condition`. */
export interface Dependency {
  readonly container: string;
  readonly condition: DependencyCondition;
}

/** A health check as ECS runs it (seconds; ECS defaults applied). */
export interface HealthSpec {
  /** `["CMD", ...args]` or `["CMD-SHELL", "command"]`, as in the template. */
  readonly test: string[];
  readonly intervalS: number;
  readonly timeoutS: number;
  readonly retries: number;
  readonly startPeriodS: number;
}

export interface RestartSpec {
  readonly ignoredExitCodes: number[];
  readonly attemptPeriodS: number;
}

/** A secret the container receives as an environment variable (values never pass through here). */
export interface SecretRef {
  readonly envName: string;
  /** The ARN or parameter name of the template (shown to the user, never resolved). */
  readonly valueFrom: string;
  /** The id of the local value (the podman secret's name on podman). */
  readonly secretId: string;
}

/** ECS container health names; NONE when the definition has no health check. */
export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' | 'NONE';

export interface UlimitSpec {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

export interface DeviceSpec {
  readonly hostPath: string;
  readonly containerPath: string;
  /** cgroup permissions: r, w, m. */
  readonly permissions: string;
}

/** A secret the container receives as an environment variable; the value is never part of the spec. */
export interface SecretEnv {
  readonly envName: string;
  /** The key of the value in the secrets the runner resolved (`podman secret` name on podman). */
  readonly secretId: string;
}

/** A volume or a host file mounted into a container (Docker's HostConfig.Mounts). */
export interface MountSpec {
  readonly kind: 'volume' | 'bind';
  /** The engine volume's name, or the host path of a bind mount. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  /**
   * Mount flags of the volume's own filesystem (`noexec`, `nosuid`, `nodev` of a tmpfs volume's `o`)
   * that Docker keeps on a read-write bind of it. The podman engine names them on the mount, since
   * podman binds a volume with its own flags instead (engines/podman/args.ts).
   */
  readonly volumeFlags?: string[];
}

/**
 * An engine volume the task needs. Kept between starts (`local down --volumes` removes it), unless
 * `scope` is `task`: then it is created afresh when the task is created and removed with the task, as
 * the ECS agent does with a task-scoped `DockerVolumeConfiguration` (translate/docker-volumes.ts).
 */
export interface VolumeSpec {
  readonly name: string;
  /** Owner and mode its root gets when it is created (an EFS access point's CreationInfo). */
  readonly owner?: { readonly uid: number; readonly gid: number; readonly mode: string };
  /** `task`: lives as long as the task (DockerVolumeConfiguration Scope `task`). Unset: kept between starts. */
  readonly scope?: 'task';
  /** The engine's volume driver (`local`) and its options (`type`, `device`, `o`), passed through as Docker's volume create takes them. */
  readonly driver?: string;
  readonly driverOpts?: Readonly<Record<string, string>>;
  /** Labels of the template's DockerVolumeConfiguration, besides the runner's own. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ContainerSpec {
  /** The engine's container name (`<task>-<container>`). */
  readonly engineName: string;
  readonly image: string;
  readonly labels: Record<string, string>;
  entrypoint?: string[];
  command?: string[];
  user?: string;
  workingDir?: string;
  hostname?: string;
  readonly env: Record<string, string>;
  readonly secrets: SecretEnv[];
  tty: boolean;
  interactive: boolean;
  stopTimeoutS: number;
  health?: HealthSpec;
  readOnlyRootfs: boolean;
  /** Mount path -> mount options (`rw,noexec,size=16m`), as Docker's HostConfig.Tmpfs. */
  readonly tmpfs: Record<string, string[]>;
  readonly capDrop: string[];
  readonly capAdd: string[];
  /** Docker's form (`no-new-privileges`, `apparmor=P`, `label=...`). */
  readonly securityOpt: string[];
  init: boolean;
  privileged: boolean;
  memoryMiB?: number;
  memoryReservationMiB?: number;
  /** Memory + swap (Docker's --memory-swap). */
  memorySwapMiB?: number;
  swappiness?: number;
  shmSizeMiB?: number;
  cpuShares: number;
  readonly ulimits: UlimitSpec[];
  readonly devices: DeviceSpec[];
  /** Non-network sysctls (net.* go on the task's network namespace). */
  readonly sysctls: Record<string, string>;
  /** Volumes and files mounted into the container (EFS volumes, the stand-in's CA certificate). */
  mounts?: MountSpec[];
}

export interface PublishedPort {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: string;
}

/** What belongs to the task as a whole: its cgroup limits and its network namespace. */
export interface TaskSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Task CPU units (1024 = one CPU): a CFS quota on the task cgroup. */
  cpuUnits?: number;
  memoryMiB?: number;
  /** Processes of the whole task at most (the hosts' ECS_TASK_PIDS_LIMIT): pids.max of the task cgroup. */
  pidsLimit?: number;
  /**
   * Measurement only (`npm run bench`, bench/pinning.ts): the CPUs every container of the task may run
   * on (a cpuset, kernel list format such as "1" or "1-3"), so the bench's load generator does not
   * share the task's cores. ECS has no such setting (a task definition has no cpuset, and the agent
   * sets none), so the translator never sets it: `local up` and the template never use it.
   */
  measurementCpuset?: string;
  /** Namespaces the containers share besides the network: from PidMode/IpcMode `task`. */
  readonly share: ('pid' | 'ipc')[];
  readonly publish: PublishedPort[];
  /** net.* sysctls, set on the network namespace. */
  readonly sysctls: Record<string, string>;
  readonly dns: string[];
  readonly dnsSearch: string[];
  /** `host:ip` entries for /etc/hosts. */
  readonly extraHosts: string[];
  /**
   * The image of the runner's helpers where the engine needs them (Docker's pause container runs
   * `sleep`, its cgroup helper `sh`). Unset: the first container's image, as for the task, whose
   * images are Debian's; the fit check sets it for images without a shell (distroless, scratch).
   */
  readonly helperImage?: string;
  /** Engine volumes the containers mount (created before the task when absent, kept after it). */
  volumes?: VolumeSpec[];
  /**
   * The internal engine network of the stand-in database, which the task's network namespace joins.
   * Where the engine isolates the task (Docker), it is the task's only network: the published ports
   * then reach it through an ingress relay (the ALB's place), a container on both networks running
   * `relayImage`'s socat. Where it does not (podman), the task stays on the engine's default network
   * and reaches the stand-in container there (create-task.ts).
   */
  network?: { readonly name: string; readonly relayImage: string };
}

/** Task-level settings one container brings (a task's containers share one network namespace). */
export type TaskSettings = Pick<TaskSpec, 'publish' | 'sysctls' | 'dns' | 'dnsSearch' | 'extraHosts'>;
