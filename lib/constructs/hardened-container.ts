import { Duration, Size } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Where a container may write: a tmpfs, never the image. */
export interface WritablePath {
  /** Absolute path inside the container. */
  readonly containerPath: string;
  /** Size of the tmpfs in MiB; its pages count against the container's memory limit. */
  readonly sizeMiB: number;
}

/** A container health check's timing, in whole seconds as ECS's HealthCheck takes it. */
export interface HealthCheckTiming {
  /** Seconds between probes (ECS: 5 to 300). */
  readonly intervalSeconds: number;
  /** Seconds a probe may take (ECS: 2 to 60). */
  readonly timeoutSeconds: number;
  /** Consecutive failures that make the container UNHEALTHY (ECS: 1 to 10). */
  readonly retries: number;
  /** Seconds after the start in which failures are not counted (ECS: 0 to 300). */
  readonly startPeriodSeconds: number;
}

export interface HardenedContainerProps {
  /** The task definition the container joins. */
  readonly taskDefinition: ecs.TaskDefinition;
  readonly image: ecs.ContainerImage;
  /** Numeric `uid:gid`; never root. */
  readonly user: string;
  /** Hard memory limit in MiB (the container is killed above it). */
  readonly memoryLimitMiB: number;
  /** CPU units: a relative share inside the task (1024 = one vCPU's weight), not a cap. */
  readonly cpu: number;
  /**
   * The only paths the container may write, as sized noexec/nosuid/nodev tmpfs mounts.
   *
   * @default - none: nothing is writable
   */
  readonly writablePaths?: WritablePath[];
  /** Exec-form health check command (no shell). */
  readonly healthCheckCommand: string[];
  /** When the health check runs: its Interval, timeout, retries and start period (HEALTH_CHECK_SCHEDULE). */
  readonly healthCheck: HealthCheckTiming;
  /** Log group of the awslogs driver; the stream prefix is the container name. */
  readonly logGroup: logs.ILogGroup;
  /**
   * Non-secret settings; secrets belong in `secrets`, never here.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets, read by the ECS agent at start (Secrets Manager, SSM) and set as environment
   * variables; the task definition holds only where they are, never their values.
   *
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Ports the container exposes.
   *
   * @default - none
   */
  readonly portMappings?: ecs.PortMapping[];
  /**
   * How long ECS waits after SIGTERM before SIGKILL.
   *
   * @default Duration.seconds(30)
   */
  readonly stopTimeout?: Duration;
}

/**
 * nofile/nproc for every container (CIS Docker 5.19). nproc counts processes per UID across the
 * whole host, not per container (https://docs.docker.com/reference/cli/docker/container/run/#ulimit),
 * so it is a ceiling against fork bombs, not a per-task budget (that is ECS_TASK_PIDS_LIMIT).
 */
export const CONTAINER_ULIMITS: ecs.Ulimit[] = [
  { name: ecs.UlimitName.NOFILE, softLimit: 4096, hardLimit: 4096 },
  { name: ecs.UlimitName.NPROC, softLimit: 1024, hardLimit: 1024 },
];

/**
 * One container with every hardening setting the task definition can carry, so the two containers
 * of the task cannot drift apart: non-root numeric user, read-only root, tmpfs only where it must
 * write (noexec, nosuid, nodev, sized), all capabilities dropped and none added, no-new-privileges,
 * an init process, hard memory limit and CPU shares, ulimits, a health check, a restart policy and
 * awslogs in non-blocking mode. The construct is the container definition: its id is the
 * container name, and its Linux parameters sit beneath it.
 */
export class HardenedContainer extends ecs.ContainerDefinition {
  constructor(scope: Construct, id: string, props: HardenedContainerProps) {
    if (/^(0|root)(:|$)/i.test(props.user) || !/^\d+:\d+$/.test(props.user)) {
      throw new Error(`${scope.node.path}/${id}: user must be a numeric non-root "uid:gid"; received "${props.user}"`);
    }
    super(scope, id, {
      taskDefinition: props.taskDefinition,
      containerName: id,
      image: props.image,
      user: props.user,
      readonlyRootFilesystem: true,
      privileged: false,
      // no-new-privileges per container; the daemon sets it host-wide too (lib/host/instance-user-data.sh).
      dockerSecurityOptions: ['no-new-privileges'],
      memoryLimitMiB: props.memoryLimitMiB,
      cpu: props.cpu,
      ulimits: CONTAINER_ULIMITS,
      essential: true,
      stopTimeout: props.stopTimeout ?? Duration.seconds(30),
      healthCheck: {
        command: ['CMD', ...props.healthCheckCommand],
        // Every probe is a `runc exec` of about 15-21 ms of the task's CPU
        // (docs/benchmarks/docker/README.md, "Health-check probes"); why these values is
        // HEALTH_CHECK_SCHEDULE's comment (hardened-task-definition.ts).
        interval: Duration.seconds(props.healthCheck.intervalSeconds),
        timeout: Duration.seconds(props.healthCheck.timeoutSeconds),
        retries: props.healthCheck.retries,
        startPeriod: Duration.seconds(props.healthCheck.startPeriodSeconds),
      },
      // ECS restarts a failed container in place (at most once a minute) before replacing the task.
      enableRestartPolicy: true,
      restartAttemptPeriod: Duration.seconds(60),
      environment: props.environment,
      secrets: props.secrets,
      portMappings: props.portMappings,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: props.logGroup,
        streamPrefix: id,
        // A CloudWatch Logs outage must not block stdout and stall the app (moby#41714).
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });

    const linuxParameters = new ecs.LinuxParameters(this, 'LinuxParameters', {
      // Reaps zombies and forwards signals (docker --init).
      initProcessEnabled: true,
    });
    linuxParameters.dropCapabilities(ecs.Capability.ALL);
    for (const writable of props.writablePaths ?? []) {
      linuxParameters.addTmpfs({
        containerPath: writable.containerPath,
        size: writable.sizeMiB,
        mountOptions: [ecs.TmpfsMountOption.RW, ecs.TmpfsMountOption.NOEXEC, ecs.TmpfsMountOption.NOSUID, ecs.TmpfsMountOption.NODEV],
      });
    }
    // The Linux parameters need this container as their scope, which exists only after super();
    // ContainerDefinition reads the field when it renders (aws-ecs container-definition.ts).
    (this as { linuxParameters?: ecs.LinuxParameters }).linuxParameters = linuxParameters;
  }
}
