import * as path from 'node:path';
import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HardenedContainer } from './hardened-container';

/** The image build contexts (one directory per container). */
const CONTAINERS_DIR = path.join(__dirname, '..', '..', 'containers');

/** Container names: part of the contract with the local runner, the audit and the docs. */
const APP_CONTAINER = 'app';
export const PROXY_CONTAINER = 'proxy';
/** The app container's numeric user and group (www-data in Debian's images); files it persists are owned by them. */
export const APP_UID = '33';
export const APP_GID = '33';
/**
 * The only port the task exposes: above 1024, so non-root nginx binds it without
 * CAP_NET_BIND_SERVICE, which the task drops (https://man7.org/linux/man-pages/man7/capabilities.7.html).
 */
export const PROXY_PORT = 8080;
/**
 * Both containers write only to /tmp. tmpfs pages are charged to the container's memory cgroup
 * (https://docs.kernel.org/admin-guide/cgroup-v2.html#memory), so the size counts against the limit.
 */
const TMPFS_SIZE_MIB = 16;

/**
 * The task's defaults, in the props' units: the configuration schema (lib/config/app-config.ts)
 * reads them from here, so each is written once.
 */
export const HARDENED_TASK_DEFAULTS = {
  cpu: 256,
  memoryLimitMiB: 512,
  appMemoryLimitMiB: 256,
  proxyMemoryLimitMiB: 128,
  appCpu: 192,
  proxyCpu: 64,
  rateLimitPerSecond: 10,
  rateLimitBurst: 20,
  connectionsPerClient: 20,
  retryAfterSeconds: 1,
  clientMaxBodySizeKiB: 1024,
  requestTimeoutSeconds: 10,
  logRetention: logs.RetentionDays.ONE_MONTH,
} as const;

export interface HardenedTaskDefinitionProps {
  /** Addresses whose X-Forwarded-For nginx trusts: the load balancer's subnets. */
  readonly trustedProxyCidrs: string[];
  /**
   * Task-level CPU units: a hard cap for the whole task (1024 = one vCPU).
   *
   * @default HARDENED_TASK_DEFAULTS.cpu
   */
  readonly cpu?: number;
  /**
   * Task-level memory in MiB: the hard limit for the whole task.
   *
   * @default HARDENED_TASK_DEFAULTS.memoryLimitMiB
   */
  readonly memoryLimitMiB?: number;
  /**
   * Hard memory limit of the php-fpm container in MiB (includes its tmpfs).
   *
   * @default HARDENED_TASK_DEFAULTS.appMemoryLimitMiB
   */
  readonly appMemoryLimitMiB?: number;
  /**
   * Hard memory limit of the nginx container in MiB (includes its tmpfs).
   *
   * @default HARDENED_TASK_DEFAULTS.proxyMemoryLimitMiB
   */
  readonly proxyMemoryLimitMiB?: number;
  /**
   * CPU units (relative share) of the php-fpm container.
   *
   * @default HARDENED_TASK_DEFAULTS.appCpu
   */
  readonly appCpu?: number;
  /**
   * CPU units (relative share) of the nginx container.
   *
   * @default HARDENED_TASK_DEFAULTS.proxyCpu
   */
  readonly proxyCpu?: number;
  /**
   * Requests per second allowed per client address at nginx (limit_req rate).
   *
   * @default HARDENED_TASK_DEFAULTS.rateLimitPerSecond
   */
  readonly rateLimitPerSecond?: number;
  /**
   * Requests above the rate served at once before 429 (limit_req burst, nodelay).
   *
   * @default HARDENED_TASK_DEFAULTS.rateLimitBurst
   */
  readonly rateLimitBurst?: number;
  /**
   * Concurrent connections per client address at nginx (limit_conn).
   *
   * @default HARDENED_TASK_DEFAULTS.connectionsPerClient
   */
  readonly connectionsPerClient?: number;
  /**
   * Retry-After sent with 429 responses (whole seconds).
   *
   * @default - HARDENED_TASK_DEFAULTS.retryAfterSeconds
   */
  readonly retryAfter?: Duration;
  /**
   * Largest request body (larger gets 413), in whole KiB.
   *
   * @default - HARDENED_TASK_DEFAULTS.clientMaxBodySizeKiB
   */
  readonly clientMaxBodySize?: Size;
  /**
   * How long nginx waits for a client's headers, body or reads (slow clients get 408).
   *
   * @default - HARDENED_TASK_DEFAULTS.requestTimeoutSeconds
   */
  readonly requestTimeout?: Duration;
  /**
   * How long the container logs are kept.
   *
   * @default HARDENED_TASK_DEFAULTS.logRetention
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * KMS key that encrypts the container log groups.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * CPU architecture the images are built for.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Non-secret settings of the app container (the database's host, port and name).
   *
   * @default - none
   */
  readonly appEnvironment?: Record<string, string>;
  /**
   * Secrets of the app container, as ECS secrets (the database's user and password).
   *
   * @default - none
   */
  readonly appSecrets?: Record<string, ecs.Secret>;
  /**
   * Directory holding one image build context per container (`app/`, `proxy/`).
   *
   * @default CONTAINERS_DIR, the repository's containers/ folder
   */
  readonly containersDir?: string;
}

/**
 * The task: php-fpm (`app`) behind nginx (`proxy`) in one awsvpc network namespace. Only the proxy
 * maps a port; php-fpm listens on 127.0.0.1:9000 inside the task. Task-level CPU and memory are hard
 * limits; a container's `cpu` is only a relative share
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#ContainerDefinition-cpu).
 */
export class HardenedTaskDefinition extends Construct {
  readonly taskDefinition: ecs.TaskDefinition;
  readonly app: HardenedContainer;
  /** The container the load balancer targets: its name and `containerPort` are the target. */
  readonly proxy: HardenedContainer;
  readonly appLogGroup: logs.LogGroup;
  readonly proxyLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HardenedTaskDefinitionProps) {
    super(scope, id);

    // The task role holds no permissions: add only what the app itself calls.
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Role of the running app (no permissions unless the app needs AWS APIs)',
    });

    this.taskDefinition = new ecs.TaskDefinition(this, 'Resource', {
      compatibility: ecs.Compatibility.EC2,
      networkMode: ecs.NetworkMode.AWS_VPC,
      cpu: String(props.cpu ?? HARDENED_TASK_DEFAULTS.cpu),
      memoryMiB: String(props.memoryLimitMiB ?? HARDENED_TASK_DEFAULTS.memoryLimitMiB),
      taskRole,
      // The execution role (image pull, log delivery) is generated separately by CDK.
    });

    const containersDir = props.containersDir ?? CONTAINERS_DIR;
    const platform = props.cpuArchitecture === ecs.CpuArchitecture.ARM64 ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;
    const logGroup = (name: string) =>
      new logs.LogGroup(this, name, {
        retention: props.logRetention ?? HARDENED_TASK_DEFAULTS.logRetention,
        encryptionKey: props.logEncryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    this.appLogGroup = logGroup('AppLogs');
    this.proxyLogGroup = logGroup('ProxyLogs');

    this.app = new HardenedContainer(this, APP_CONTAINER, {
      taskDefinition: this.taskDefinition,
      image: ecs.ContainerImage.fromAsset(path.join(containersDir, APP_CONTAINER), { platform }),
      user: `${APP_UID}:${APP_GID}`,
      memoryLimitMiB: props.appMemoryLimitMiB ?? HARDENED_TASK_DEFAULTS.appMemoryLimitMiB,
      cpu: props.appCpu ?? HARDENED_TASK_DEFAULTS.appCpu,
      writablePaths: [{ containerPath: '/tmp', sizeMiB: TMPFS_SIZE_MIB }],
      // FastCGI request for php-fpm's ping page; never reachable through the proxy.
      healthCheckCommand: ['/usr/local/bin/healthcheck'],
      logGroup: this.appLogGroup,
      environment: props.appEnvironment,
      secrets: props.appSecrets,
    });

    this.proxy = new HardenedContainer(this, PROXY_CONTAINER, {
      taskDefinition: this.taskDefinition,
      image: ecs.ContainerImage.fromAsset(path.join(containersDir, PROXY_CONTAINER), { platform }),
      user: '101:101',
      memoryLimitMiB: props.proxyMemoryLimitMiB ?? HARDENED_TASK_DEFAULTS.proxyMemoryLimitMiB,
      cpu: props.proxyCpu ?? HARDENED_TASK_DEFAULTS.proxyCpu,
      writablePaths: [{ containerPath: '/tmp', sizeMiB: TMPFS_SIZE_MIB }],
      // nginx's loopback-only status server (127.0.0.1:8081), not the public port.
      healthCheckCommand: ['/usr/local/bin/healthcheck'],
      logGroup: this.proxyLogGroup,
      portMappings: [{ containerPort: PROXY_PORT, protocol: ecs.Protocol.TCP, name: 'http' }],
      // Settings only (rendered into nginx.conf at start); secrets never go in `environment`.
      environment: {
        RATE_LIMIT_PER_SECOND: String(props.rateLimitPerSecond ?? HARDENED_TASK_DEFAULTS.rateLimitPerSecond),
        RATE_LIMIT_BURST: String(props.rateLimitBurst ?? HARDENED_TASK_DEFAULTS.rateLimitBurst),
        CONNECTIONS_PER_CLIENT: String(props.connectionsPerClient ?? HARDENED_TASK_DEFAULTS.connectionsPerClient),
        RETRY_AFTER_SECONDS: String((props.retryAfter ?? Duration.seconds(HARDENED_TASK_DEFAULTS.retryAfterSeconds)).toSeconds()),
        CLIENT_MAX_BODY_SIZE_KB: String((props.clientMaxBodySize ?? Size.kibibytes(HARDENED_TASK_DEFAULTS.clientMaxBodySizeKiB)).toKibibytes()),
        REQUEST_TIMEOUT_SECONDS: String((props.requestTimeout ?? Duration.seconds(HARDENED_TASK_DEFAULTS.requestTimeoutSeconds)).toSeconds()),
        TRUSTED_PROXY_CIDRS: props.trustedProxyCidrs.join(','),
        APP_FASTCGI_ADDRESS: '127.0.0.1:9000',
      },
    });

    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'The execution role needs ecr:GetAuthorizationToken, which has no resource-level permissions.',
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ECS2',
      reason:
        'The proxy receives non-secret tuning settings (rate, burst, trusted CIDRs) as environment; secrets would use ' +
        '`secrets`. The audit rules TD-SEC-01/02 fail synth if a secret-like name ever appears here.',
    });

    Validations.of(this.taskDefinition).acknowledge({
      id: 'secure-ecs-audit::IAM-WC-01',
      reason:
        'The execution role needs ecr:GetAuthorizationToken, which has no resource-level permissions; its other statements ' +
        'name the log groups and image repository.',
    });

    // nginx starts only once php-fpm answers its ping, so the first requests do not get 502.
    this.proxy.addContainerDependencies({ container: this.app, condition: ecs.ContainerDependencyCondition.HEALTHY });
  }
}
