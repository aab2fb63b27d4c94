import * as path from 'node:path';
import { Duration, IgnoreMode, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  APP_ROOT,
  APP_SHAPE_DEFAULTS,
  DEFAULT_HEALTH_CHECK_PATH,
  fastcgiTransportOf,
  isWithin,
  MAX_FASTCGI_KEPT_CONNECTIONS,
  TMP_PATH,
  TMP_SIZE_MIB,
  writableUrlPrefixes,
  type AppEntryPoints,
  type AppFastcgiTransport,
  type AppMethod,
  type AppProtocol,
  type DeclaredWritablePath,
} from './app-shape';
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
/** nginx's loopback-only status server for the container health check (containers/proxy/nginx.conf.template). */
export const PROXY_HEALTH_PORT = 8081;
/** The app listens on loopback only: nothing outside the task's network namespace reaches it. */
const APP_HOST = '127.0.0.1';
/** The proxy container's numeric user and group (nginx in containers/proxy/Dockerfile). */
const PROXY_UID = '101';
const PROXY_GID = '101';

/**
 * app.fastcgiTransport "unix" (the default for php-fpm on the default port): php-fpm listens on a unix socket in a directory both containers mount,
 * a task-scoped Docker volume of the `local` driver on tmpfs. ECS creates it with these driver options
 * when the task starts and removes it when the task is cleaned up (amazon-ecs-agent
 * agent/taskresource/volume/dockervolume.go: Create passes Driver and DriverOpts to Docker's volume
 * create; Cleanup, registered for scope "task" only, removes it). The directory is absent from both
 * images on purpose: Docker copies an image directory's owner and mode onto an empty named volume
 * mounted over it (moby daemon/volumes_unix.go, copyExistingContents), which would replace these.
 * Placement: a Docker volume of the `local` driver makes ECS require the instance attribute
 * ecs.capability.docker-plugin.local, which every ECS agent registers, Bottlerocket's included
 * (amazon-ecs-agent agent/app/agent_capability_unix.go, appendVolumeDriverCapabilities: "local" is
 * the default docker driver), so the default task places on any instance the template launches.
 */
const FASTCGI_SOCKET = {
  volumeName: 'fcgi-socket',
  dir: '/run/fcgi',
  path: '/run/fcgi/php-fpm.sock',
  /**
   * php-fpm's listen.backlog on the socket. A connect() to a unix socket whose backlog is full fails
   * at once with EAGAIN (nginx answers 502) where a TCP SYN would be retried, so the queue is the
   * largest nginx's own listen backlog uses (511), not the TCP pool's 128.
   */
  backlog: 511,
  /**
   * The `local` driver's options: a tmpfs (nothing on disk), 16 pages (64 KiB) and 16 inodes (it
   * holds one socket), no exec, setuid or devices. `nr_blocks`, not `size`: podman's local driver
   * takes `size` and `inodes` in `o` for an XFS project quota and refuses them on other filesystems
   * (podman 4.3: "size and inodes not supported"); tmpfs reads both the same. Owner: the app's user, which creates the socket; group: the
   * proxy's, with the setgid bit, so the socket php-fpm creates there belongs to the proxy's group
   * (php-fpm runs unprivileged and cannot chown it to a group it is not in) and listen.mode 0660 lets
   * nginx connect. Mode 2750: the app writes, the proxy only traverses and connects, nobody else enters.
   * The options are mount(8)'s: https://docs.kernel.org/filesystems/tmpfs.html
   */
  driverOpts: {
    type: 'tmpfs',
    device: 'tmpfs',
    o: `nr_blocks=16,nr_inodes=16,uid=${APP_UID},gid=${PROXY_GID},mode=2750,noexec,nosuid,nodev`,
  },
} as const;

/**
 * The task's defaults, in the props' units: the configuration schema (lib/config/app-config.ts)
 * reads them from here, so each is written once.
 */
export const HARDENED_TASK_DEFAULTS = {
  // One vCPU: a hard CFS quota of 100 ms per 100 ms period. One exec health probe costs about
  // 15-21 ms of the task's CPU (docs/benchmarks/docker/README.md, "Health-check probes"): at 256
  // (25 ms a period) a probe can take most of a period's quota and throttle the whole task; at 1024
  // it is a fifth of one period's. ECS has no burst setting, so the quota itself must be large next
  // to a probe (README "CPU cap, health checks and tail latency" has the table for 256, 512, 1024
  // and unset).
  cpu: 1024,
  memoryLimitMiB: 512,
  appMemoryLimitMiB: 256,
  proxyMemoryLimitMiB: 128,
  /** The app's part of the task's CPU units when the container shares are not set: app 3 : proxy 1. */
  appCpuFraction: 0.75,
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
   * @default - three quarters of the task's CPU units (defaultContainerCpu)
   */
  readonly appCpu?: number;
  /**
   * CPU units (relative share) of the nginx container.
   *
   * @default - the rest of the task's CPU units after the app's default (defaultContainerCpu)
   */
  readonly proxyCpu?: number;
  /**
   * When the proxy starts: once the app has started (START) or once it is HEALTHY. START suits a task
   * behind a load balancer, which sends traffic only after its own health check passes through the
   * proxy; HEALTHY suits a task no load balancer gates (nothing else holds requests back until
   * php-fpm answers).
   *
   * @default ecs.ContainerDependencyCondition.HEALTHY
   */
  readonly proxyStartsAfterApp?: ecs.ContainerDependencyCondition.START | ecs.ContainerDependencyCondition.HEALTHY;
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
   * How the proxy forwards requests to the app.
   *
   * @default APP_SHAPE_DEFAULTS.protocol (fastcgi)
   */
  readonly appProtocol?: AppProtocol;
  /**
   * How the proxy reaches php-fpm (FastCGI only): loopback TCP, or a unix socket on a task-scoped
   * tmpfs volume (FASTCGI_SOCKET).
   *
   * @default fastcgiTransportOf: APP_SHAPE_DEFAULTS.fastcgiTransport (unix) for php-fpm on the default appPort, tcp otherwise
   */
  readonly appFastcgiTransport?: AppFastcgiTransport;
  /**
   * Idle FastCGI connections the proxy keeps open to php-fpm (FastCGI only), 1 to
   * MAX_FASTCGI_KEPT_CONNECTIONS. The app image's pool needs at least twice as many workers: a kept
   * connection holds its worker while idle (containers/app/php/pool.conf).
   *
   * @default APP_SHAPE_DEFAULTS.fastcgiKeptConnections (3)
   */
  readonly appFastcgiKeptConnections?: number;
  /**
   * Port the app listens on at 127.0.0.1.
   *
   * @default APP_SHAPE_DEFAULTS.port
   */
  readonly appPort?: number;
  /**
   * Which requests run as PHP scripts (FastCGI only).
   *
   * @default APP_SHAPE_DEFAULTS.entryPoints (front-controller)
   */
  readonly appEntryPoints?: AppEntryPoints;
  /**
   * HTTP methods the proxy passes to the app; others are 405.
   *
   * @default APP_SHAPE_DEFAULTS.methods (GET, HEAD, POST)
   */
  readonly appMethods?: readonly AppMethod[];
  /**
   * Paths the app container may write besides /tmp (sized noexec/nosuid/nodev tmpfs mounts). Checked
   * by the configuration (lib/config/validate-config.ts): absolute, apart from system directories,
   * not nested, within the app's memory limit.
   *
   * @default - none: only /tmp
   */
  readonly appWritablePaths?: DeclaredWritablePath[];
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
   * The app's persistent paths (EFS, mounted by PersistentStorage): PHP's open_basedir includes them.
   *
   * @default none
   */
  readonly appPersistentPaths?: string[];
  /**
   * The path the load balancer's health check requests: the proxy forwards it to the app without
   * rate limiting (HEALTH_CHECK_PATH of the proxy, set only when not the default).
   *
   * @default DEFAULT_HEALTH_CHECK_PATH (/healthz)
   */
  readonly healthCheckPath?: string;
  /**
   * The database engine the app reaches (`database.engine`): the app image is built with that
   * engine's PDO driver only (containers/app/Dockerfile, DATABASE_ENGINE).
   *
   * @default - no database: no driver in the image
   */
  readonly appDatabaseEngine?: 'mariadb' | 'postgres';
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
 * The container CPU shares when not set: the task's CPU units split app 3 : proxy 1
 * (HARDENED_TASK_DEFAULTS.appCpuFraction), so the default task is 768 : 256 and a task.cpu of 256
 * gets the 192 : 64 it always had. Shares are weights inside the task, not caps; ECS requires their sum
 * to be at most the task's CPU units (lib/config/validate-config.ts checks set values).
 */
export function defaultContainerCpu(taskCpu: number): { readonly app: number; readonly proxy: number } {
  const app = Math.max(2, Math.round(taskCpu * HARDENED_TASK_DEFAULTS.appCpuFraction));
  return { app, proxy: Math.max(2, taskCpu - app) };
}

/**
 * The container health checks' schedule, one per container. The images' HEALTHCHECK lines
 * (containers/app/Dockerfile, containers/proxy/Dockerfile) say the same (test/health-check-schedule.test.ts),
 * so the image run on its own probes as the task does.
 *
 * - Docker 25.0.x on the ECS-optimized AL2023 AMI probes the first time one Interval after the start
 *   (its start interval defaults to the Interval, moby#46764), and a task definition cannot set a start
 *   interval (aws/containers-roadmap#2473). So the Interval is how long a started task takes to be
 *   HEALTHY: 10 s, not ECS's default of 30 s.
 * - The intervals differ (10 s, 11 s) so the two containers' probes rarely land in the same 100 ms CFS
 *   period: each is a `runc exec` of about 21-26 ms of the task's CPU (docs/benchmarks.md).
 * - The start period (15 s) covers the first probe of each (a container still starting at 10-11 s is not
 *   counted as failing: moby daemon/health.go counts no failure started within it) and not the second.
 *   It is longer than the Interval, as moby#52317's scheduling needs.
 * - retries 3: a container that stops answering is UNHEALTHY after 3 failed probes, about 30-35 s (and at
 *   most 15 + 3 x 11 s after a start that never answers); the ALB's check (15 s) sees a broken task too.
 */
export const HEALTH_CHECK_SCHEDULE = {
  app: { intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 15 },
  proxy: { intervalSeconds: 11, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 15 },
} as const;

/**
 * The proxy image's build context, as Docker ignore patterns over the containers folder: its own
 * files and what its public folder is made from, the app's src/public or its `public-files` script
 * (containers/proxy/lay-out-public-folder), nothing else (so editing the app's PHP outside public/,
 * or a README, does not change the proxy's asset hash). Dotfiles are never copied.
 */
const PROXY_BUILD_CONTEXT = [
  '*',
  ...['Dockerfile', 'nginx.conf.template', 'render-nginx-config', 'start-proxy', 'healthcheck', 'lay-out-public-folder'].map((f) => `!${PROXY_CONTAINER}/${f}`),
  `!${APP_CONTAINER}/src/public`,
  `!${APP_CONTAINER}/public-files`,
  '**/.*',
];

/** The app image's build arguments: only those that differ from the Dockerfile's defaults, none for the default app. */
function appBuildArgs(writablePaths: string[], databaseEngine: string | undefined): Record<string, string> | undefined {
  const args = { ...optional('WRITABLE_PATHS', writablePaths.join(' ')), ...optional('DATABASE_ENGINE', databaseEngine ?? '') };
  return Object.keys(args).length > 0 ? args : undefined;
}

/** `{ name: value }`, or nothing for an empty value. */
const optional = (name: string, value: string): Record<string, string> => (value ? { [name]: value } : {});

/** The proxy's ALLOWED_METHODS: empty (unset) when the list is the proxy's own default. */
function allowedMethods(methods: readonly AppMethod[] | undefined): string {
  const list = (methods ?? APP_SHAPE_DEFAULTS.methods).join(',');
  return list === APP_SHAPE_DEFAULTS.methods.join(',') ? '' : list;
}

/**
 * The app container's environment: only what differs from the default image's built-in values
 * (containers/app: php-fpm on 127.0.0.1:9000, open_basedir /srv/app:/tmp), so the default task
 * definition sets only the unix socket's APP_FASTCGI_SOCKET and APP_FASTCGI_BACKLOG (the image's
 * own default stays TCP, so an image runs with either transport). APP_PORT tells the app where to
 * listen; APP_OPEN_BASEDIR is PHP's open_basedir with the declared writable paths
 * (containers/app/php/hardening.ini).
 */
function appEnvironment(
  protocol: AppProtocol,
  port: number,
  unixSocket: boolean,
  declared: DeclaredWritablePath[],
  persistent: string[],
  extra: Record<string, string> = {},
): Record<string, string> | undefined {
  const env: Record<string, string> = {};
  if (protocol !== APP_SHAPE_DEFAULTS.protocol || port !== APP_SHAPE_DEFAULTS.port) env.APP_PORT = String(port);
  // php-fpm's listen and listen.backlog, and the health check's address (containers/app/php/pool.conf).
  if (unixSocket) Object.assign(env, { APP_FASTCGI_SOCKET: FASTCGI_SOCKET.path, APP_FASTCGI_BACKLOG: String(FASTCGI_SOCKET.backlog) });
  // PHP's open_basedir follows every path the app may write: tmpfs (writablePaths) and EFS (persistentPaths).
  const writable = [...declared.map((w) => w.path), ...persistent];
  const outsideCode = writable.filter((p) => !isWithin(p, APP_ROOT));
  if (writable.length > 0) env.APP_OPEN_BASEDIR = [APP_ROOT, TMP_PATH, ...outsideCode].join(':');
  Object.assign(env, extra);
  return Object.keys(env).length > 0 ? env : undefined;
}

/**
 * The task: php-fpm (`app`) behind nginx (`proxy`) in one awsvpc network namespace. Only the proxy
 * maps a port; the app listens only inside the task (php-fpm on the unix socket, or on 127.0.0.1 with
 * app.fastcgiTransport "tcp"; an HTTP server with app.protocol "http" on 127.0.0.1). Task-level CPU and memory are hard
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

    const taskCpu = props.cpu ?? HARDENED_TASK_DEFAULTS.cpu;
    const containerCpu = defaultContainerCpu(taskCpu);
    this.taskDefinition = new ecs.TaskDefinition(this, 'Resource', {
      compatibility: ecs.Compatibility.EC2,
      networkMode: ecs.NetworkMode.AWS_VPC,
      cpu: String(taskCpu),
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
        // What the app and the proxy logged (requests, refusals, errors) is evidence: like the
        // deployment hooks' and break-glass's logs, the groups outlive the stack (a deleted stack must
        // not take its own record with it), and their events still expire after `logRetention`.
        // Unnamed, so a later deployment makes new ones.
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.appLogGroup = logGroup('AppLogs');
    this.proxyLogGroup = logGroup('ProxyLogs');

    const protocol = props.appProtocol ?? APP_SHAPE_DEFAULTS.protocol;
    const appPort = props.appPort ?? APP_SHAPE_DEFAULTS.port;
    const entryPoints = props.appEntryPoints ?? APP_SHAPE_DEFAULTS.entryPoints;
    const declared = props.appWritablePaths ?? APP_SHAPE_DEFAULTS.writablePaths;
    const transport = fastcgiTransportOf(protocol, appPort, props.appFastcgiTransport);
    if (transport === 'unix' && protocol !== 'fastcgi') {
      throw new Error(`${this.node.path}: appFastcgiTransport "unix" needs appProtocol "fastcgi"; received "${protocol}"`);
    }
    const kept = props.appFastcgiKeptConnections ?? APP_SHAPE_DEFAULTS.fastcgiKeptConnections;
    if (!(Number.isInteger(kept) && kept >= 1 && kept <= MAX_FASTCGI_KEPT_CONNECTIONS)) {
      throw new Error(`${this.node.path}: appFastcgiKeptConnections: received ${kept}; expected an integer from 1 to ${MAX_FASTCGI_KEPT_CONNECTIONS}`);
    }
    const unixSocket = transport === 'unix';
    const appAddress = unixSocket ? `unix:${FASTCGI_SOCKET.path}` : `${APP_HOST}:${appPort}`;
    const healthCheckPath = props.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;

    this.app = new HardenedContainer(this, APP_CONTAINER, {
      taskDefinition: this.taskDefinition,
      image: ecs.ContainerImage.fromAsset(path.join(containersDir, APP_CONTAINER), {
        platform,
        // A tmpfs takes its mount point's mode from the image, not its owner: the image creates each
        // declared path with mode 1777 (containers/app/Dockerfile, WRITABLE_PATHS).
        // The database's PDO driver only with a database (DATABASE_ENGINE).
        buildArgs: appBuildArgs(
          declared.map((w) => w.path),
          props.appDatabaseEngine,
        ),
      }),
      user: `${APP_UID}:${APP_GID}`,
      memoryLimitMiB: props.appMemoryLimitMiB ?? HARDENED_TASK_DEFAULTS.appMemoryLimitMiB,
      cpu: props.appCpu ?? containerCpu.app,
      writablePaths: [{ containerPath: TMP_PATH, sizeMiB: TMP_SIZE_MIB }, ...declared.map((w) => ({ containerPath: w.path, sizeMiB: w.sizeMiB }))],
      // The image's health check: for php-fpm a FastCGI request for its ping page, never reachable
      // through the proxy. An HTTP app's image provides its own (README "Fork guide").
      healthCheckCommand: ['/usr/local/bin/healthcheck'],
      healthCheck: HEALTH_CHECK_SCHEDULE.app,
      logGroup: this.appLogGroup,
      environment: appEnvironment(protocol, appPort, unixSocket, declared, props.appPersistentPaths ?? [], props.appEnvironment),
      secrets: props.appSecrets,
    });

    // The proxy image carries a copy of the app's public folder (static files; .php files as empty
    // placeholders nginx checks entry points against), so its build context is the containers folder:
    // only the proxy's own files and the app's public folder are staged (containers/proxy/Dockerfile).
    const proxyImage = ecs.ContainerImage.fromAsset(containersDir, {
      file: `${PROXY_CONTAINER}/Dockerfile`,
      exclude: PROXY_BUILD_CONTEXT,
      ignoreMode: IgnoreMode.DOCKER,
      platform,
    });

    this.proxy = new HardenedContainer(this, PROXY_CONTAINER, {
      taskDefinition: this.taskDefinition,
      image: proxyImage,
      user: `${PROXY_UID}:${PROXY_GID}`,
      memoryLimitMiB: props.proxyMemoryLimitMiB ?? HARDENED_TASK_DEFAULTS.proxyMemoryLimitMiB,
      cpu: props.proxyCpu ?? containerCpu.proxy,
      writablePaths: [{ containerPath: TMP_PATH, sizeMiB: TMP_SIZE_MIB }],
      // nginx's loopback-only status server (127.0.0.1:8081), not the public port.
      healthCheckCommand: ['/usr/local/bin/healthcheck'],
      healthCheck: HEALTH_CHECK_SCHEDULE.proxy,
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
        ...(protocol === 'http' ? { APP_HTTP_ADDRESS: appAddress } : { APP_FASTCGI_ADDRESS: appAddress, APP_FASTCGI_KEPT_CONNECTIONS: String(kept) }),
        // Unset means the proxy's own defaults (front-controller, no writable public folder), so the
        // default task definition is the one it always was.
        ...(entryPoints === 'files' ? { APP_ENTRY_POINTS: entryPoints } : {}),
        // Tmpfs and persistent (EFS) paths alike: a .php written there is refused, never run.
        ...optional('WRITABLE_URL_PREFIXES', writableUrlPrefixes([...declared.map((w) => w.path), ...(props.appPersistentPaths ?? [])]).join(',')),
        // Unset means the proxy's default list (GET, HEAD, POST): the default template is unchanged.
        ...optional('ALLOWED_METHODS', allowedMethods(props.appMethods)),
        // Unset means the proxy's default (/healthz): the default template is unchanged.
        ...optional('HEALTH_CHECK_PATH', healthCheckPath === DEFAULT_HEALTH_CHECK_PATH ? '' : healthCheckPath),
      },
    });

    if (unixSocket) {
      this.taskDefinition.addVolume({
        name: FASTCGI_SOCKET.volumeName,
        dockerVolumeConfiguration: { scope: ecs.Scope.TASK, driver: 'local', driverOpts: { ...FASTCGI_SOCKET.driverOpts } },
      });
      // php-fpm creates the socket; nginx only connects, which needs write permission on the socket
      // file (unix(7)), not on its directory or filesystem. The proxy still cannot write there: the
      // directory is the app's, mode 2750, and the proxy holds no capability to override that. Its
      // mount is not `readOnly` on purpose: Docker remounts a read-only bind of the volume with `ro`
      // alone, which drops the tmpfs's noexec, nosuid and nodev (measured: a file the app wrote there
      // ran in the proxy), while a read-write bind keeps them (test/e2e/fcgi-unix-socket.e2e.ts).
      for (const c of [this.app, this.proxy]) c.addMountPoints({ containerPath: FASTCGI_SOCKET.dir, sourceVolume: FASTCGI_SOCKET.volumeName, readOnly: false });
    }

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

    // HEALTHY (the default): nginx starts only once php-fpm answers its ping, so no request that reaches
    // it gets a 502. Behind a load balancer the stack passes START: the ALB sends a new target traffic
    // only after a health check through nginx to the app passed (a new target needs one success), and
    // nginx needs nothing from php-fpm to start (it resolves fastcgi_pass at each request), so waiting
    // for HEALTHY gated nothing and cost one app Interval on every task start (Docker 25 on ECS hosts
    // probes first one Interval after the start). ECS's conditions: START "validates that a dependent
    // container is started before permitting other containers to start"; HEALTHY "validates that the
    // dependent container passes its Docker health check before permitting other containers to start
    // ... This condition is confirmed only at task startup"
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html), so an
    // app restarted in place later neither stops nor holds the proxy, whichever is chosen.
    this.proxy.addContainerDependencies({ container: this.app, condition: props.proxyStartsAfterApp ?? ecs.ContainerDependencyCondition.HEALTHY });
  }
}
