import * as path from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HostsConfig, ProxyConfig, RateLimitConfig, TaskConfig } from '../config/app-config';
import { HardenedContainer } from './hardened-container';

/** The image build contexts (one directory per container). */
export const CONTAINERS_DIR = path.join(__dirname, '..', '..', 'containers');

/** Container names: part of the contract with the local runner, the audit and the docs. */
export const APP_CONTAINER = 'app';
export const PROXY_CONTAINER = 'proxy';
/** The only port the task exposes: unprivileged, so non-root nginx binds it without capabilities (pitfalls P2, P3). */
export const PROXY_PORT = 8080;
/** Both containers write only to /tmp; tmpfs pages count against the container's memory limit (pitfalls P10). */
export const TMPFS_SIZE_MIB = 16;

export interface HardenedTaskDefinitionProps {
  readonly task: TaskConfig;
  readonly rateLimit: RateLimitConfig;
  readonly proxy: ProxyConfig;
  readonly architecture: HostsConfig['architecture'];
  /** Addresses whose X-Forwarded-For nginx trusts: the load balancer's subnets. */
  readonly trustedProxyCidrs: string[];
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
 * limits (a container's `cpu` is only a relative share: pitfalls P19).
 */
export class HardenedTaskDefinition extends Construct {
  readonly taskDefinition: ecs.TaskDefinition;
  readonly app: ecs.ContainerDefinition;
  readonly proxy: ecs.ContainerDefinition;
  readonly appLogGroup: logs.LogGroup;
  readonly proxyLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HardenedTaskDefinitionProps) {
    super(scope, id);
    const { task, rateLimit, proxy } = props;

    // The task role holds no permissions: add only what the app itself calls.
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Role of the running app (no permissions unless the app needs AWS APIs)',
    });

    this.taskDefinition = new ecs.TaskDefinition(this, 'Resource', {
      compatibility: ecs.Compatibility.EC2,
      networkMode: ecs.NetworkMode.AWS_VPC,
      cpu: String(task.cpu),
      memoryMiB: String(task.memoryMiB),
      taskRole,
      // The execution role (image pull, log delivery) is generated separately by CDK.
    });

    const containersDir = props.containersDir ?? CONTAINERS_DIR;
    const platform = props.architecture === 'arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;
    const logGroup = (name: string) =>
      new logs.LogGroup(this, name, { retention: task.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    this.appLogGroup = logGroup('AppLogs');
    this.proxyLogGroup = logGroup('ProxyLogs');

    this.app = new HardenedContainer(this, APP_CONTAINER, {
      taskDefinition: this.taskDefinition,
      image: ecs.ContainerImage.fromAsset(path.join(containersDir, APP_CONTAINER), { platform }),
      user: '33:33',
      memoryLimitMiB: task.appMemoryMiB,
      cpuShares: task.appCpuShares,
      writablePaths: [{ containerPath: '/tmp', sizeMiB: TMPFS_SIZE_MIB }],
      // FastCGI request for php-fpm's ping page; never reachable through the proxy.
      healthCheckCommand: ['/usr/local/bin/healthcheck'],
      logGroup: this.appLogGroup,
    }).container;

    this.proxy = new HardenedContainer(this, PROXY_CONTAINER, {
      taskDefinition: this.taskDefinition,
      image: ecs.ContainerImage.fromAsset(path.join(containersDir, PROXY_CONTAINER), { platform }),
      user: '101:101',
      memoryLimitMiB: task.proxyMemoryMiB,
      cpuShares: task.proxyCpuShares,
      writablePaths: [{ containerPath: '/tmp', sizeMiB: TMPFS_SIZE_MIB }],
      // nginx's loopback-only status server (127.0.0.1:8081), not the public port.
      healthCheckCommand: ['/usr/local/bin/healthcheck'],
      logGroup: this.proxyLogGroup,
      portMappings: [{ containerPort: PROXY_PORT, protocol: ecs.Protocol.TCP, name: 'http' }],
      // Settings only (rendered into nginx.conf at start); secrets never go in `environment`.
      environment: {
        RATE_LIMIT_PER_SECOND: String(rateLimit.requestsPerSecond),
        RATE_LIMIT_BURST: String(rateLimit.burst),
        CONNECTIONS_PER_CLIENT: String(rateLimit.connectionsPerClient),
        RETRY_AFTER_SECONDS: String(rateLimit.retryAfterSeconds),
        CLIENT_MAX_BODY_SIZE_KB: String(proxy.clientMaxBodySizeKiB),
        REQUEST_TIMEOUT_SECONDS: String(proxy.requestTimeoutSeconds),
        TRUSTED_PROXY_CIDRS: props.trustedProxyCidrs.join(','),
        APP_FASTCGI_ADDRESS: '127.0.0.1:9000',
      },
    }).container;

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

    // nginx starts only once php-fpm answers its ping, so the first requests do not get 502.
    this.proxy.addContainerDependencies({ container: this.app, condition: ecs.ContainerDependencyCondition.HEALTHY });
  }
}
