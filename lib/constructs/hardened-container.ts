import { Duration, Size } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Where a container may write: a tmpfs, never the image. */
export interface WritablePath {
  readonly containerPath: string;
  readonly sizeMiB: number;
}

export interface HardenedContainerProps {
  readonly taskDefinition: ecs.TaskDefinition;
  readonly image: ecs.ContainerImage;
  /** Numeric `uid:gid`; never root. */
  readonly user: string;
  readonly memoryLimitMiB: number;
  readonly cpuShares: number;
  readonly writablePaths: WritablePath[];
  /** Exec-form health check command (no shell). */
  readonly healthCheckCommand: string[];
  readonly logGroup: logs.ILogGroup;
  readonly environment?: Record<string, string>;
  readonly portMappings?: ecs.PortMapping[];
}

/** nofile/nproc for every container (CIS Docker 5.19). nproc counts per UID host-wide (pitfalls P20). */
export const CONTAINER_ULIMITS: ecs.Ulimit[] = [
  { name: ecs.UlimitName.NOFILE, softLimit: 4096, hardLimit: 4096 },
  { name: ecs.UlimitName.NPROC, softLimit: 1024, hardLimit: 1024 },
];

/**
 * One container with every hardening setting the task definition can carry, so the two containers
 * of the task cannot drift apart: non-root numeric user, read-only root, tmpfs only where it must
 * write (noexec, nosuid, nodev, sized), all capabilities dropped and none added, no-new-privileges,
 * an init process, hard memory limit and CPU shares, ulimits, a health check, a restart policy and
 * awslogs in non-blocking mode.
 */
export class HardenedContainer extends Construct {
  readonly container: ecs.ContainerDefinition;

  constructor(scope: Construct, id: string, props: HardenedContainerProps) {
    super(scope, id);
    if (/^(0|root)(:|$)/i.test(props.user) || !/^\d+:\d+$/.test(props.user)) {
      throw new Error(`${this.node.path}: user must be a numeric non-root "uid:gid"; received "${props.user}"`);
    }

    const linuxParameters = new ecs.LinuxParameters(this, 'LinuxParameters', {
      // Reaps zombies and forwards signals (docker --init).
      initProcessEnabled: true,
    });
    linuxParameters.dropCapabilities(ecs.Capability.ALL);
    for (const writable of props.writablePaths) {
      linuxParameters.addTmpfs({
        containerPath: writable.containerPath,
        size: writable.sizeMiB,
        mountOptions: [ecs.TmpfsMountOption.RW, ecs.TmpfsMountOption.NOEXEC, ecs.TmpfsMountOption.NOSUID, ecs.TmpfsMountOption.NODEV],
      });
    }

    this.container = props.taskDefinition.addContainer(id, {
      containerName: id,
      image: props.image,
      user: props.user,
      readonlyRootFilesystem: true,
      privileged: false,
      // no-new-privileges per container; the daemon sets it host-wide too (lib/host/instance-user-data.sh).
      dockerSecurityOptions: ['no-new-privileges'],
      linuxParameters,
      memoryLimitMiB: props.memoryLimitMiB,
      cpu: props.cpuShares,
      ulimits: CONTAINER_ULIMITS,
      essential: true,
      stopTimeout: Duration.seconds(30),
      healthCheck: {
        command: ['CMD', ...props.healthCheckCommand],
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(15),
      },
      // ECS restarts a failed container in place (at most once a minute) before replacing the task.
      enableRestartPolicy: true,
      restartAttemptPeriod: Duration.seconds(60),
      environment: props.environment,
      portMappings: props.portMappings,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: props.logGroup,
        streamPrefix: id,
        // A CloudWatch Logs outage must not block stdout and stall the app (moby#41714).
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });
  }
}
