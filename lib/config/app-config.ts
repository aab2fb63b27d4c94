import { z } from 'zod';
import {
  APP_ENTRY_POINTS,
  APP_METHODS,
  APP_PROTOCOLS,
  APP_FASTCGI_TRANSPORTS,
  APP_SHAPE_DEFAULTS,
  declaredPathProblem,
  DEFAULT_HEALTH_CHECK_PATH,
  healthCheckPathProblem,
  MAX_FASTCGI_KEPT_CONNECTIONS,
  MAX_WRITABLE_PATHS,
} from '../constructs/app-shape';
import { DATABASE_DEFAULTS, DATABASE_ENGINES, MONITORING_INTERVALS } from '../constructs/database';
import { DEPLOYMENT_STRATEGIES, DEPLOYMENT_STRATEGY_DEFAULTS, MAX_BAKE_TIME_MINUTES, TRAFFIC_SHARE_PERCENT } from '../constructs/deployment-strategy';
import { EC2_CAPACITY_DEFAULTS } from '../constructs/ec2-capacity';
import { HARDENED_TASK_DEFAULTS, PROXY_HEALTH_PORT, PROXY_PORT } from '../constructs/hardened-task-definition';
import { MAX_AZS, NAT_AVAILABILITY_MODES, NETWORK_DEFAULTS, SMALLEST_VPC_PREFIX, SUBNET_PREFIX } from '../constructs/network';
import { PUBLIC_LOAD_BALANCER_DEFAULTS } from '../constructs/public-load-balancer';
import { SERVICE_ALARMS_DEFAULTS } from '../constructs/service-alarms';
import { MAX_STICKY_SESSION_SECONDS, WEB_SERVICE_DEFAULTS } from '../constructs/web-service';
import { ACCOUNT_SETTINGS_DEFAULTS, ECR_REPOSITORY_NAME } from '../account/account-settings';
import { FINDING_SEVERITIES } from '../deploy-hooks/image-admission-policy';
import { COMPLIANCE_PROFILES } from './compliance';
import { ipv4CidrProblem } from './ipv4-cidr';

/**
 * The one typed, validated configuration of the app.
 *
 * It enters once, in `bin/app.ts` (cdk.json context `secure-ecs` and/or a JSON file named by the
 * `configFile` context), and flows down to the constructs as typed props. Every field has a safe
 * default; `README.md` lists them with their limits, and test/readme.test.ts checks the table
 * against this schema so the two cannot drift.
 */

/** An IPv4 CIDR block such as `10.0.0.0/16`: its network address, of prefix length `min` to `max`. */
const ipv4Cidr = (min: number, max: number, why: string) =>
  z
    .string({ error: `an IPv4 CIDR block a.b.c.d/n with n from ${min} to ${max}${why}` })
    .superRefine((value, ctx) => {
      const problem = ipv4CidrProblem(value, min, max, why);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    // For the JSON Schema (test/readme.test.ts pins the README's range to it).
    .meta({ prefixLength: { minimum: min, maximum: max } });

/** An integer within bounds; one message names the whole allowed range. */
const int = (min: number, max: number) => {
  const error = `an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/** CloudWatch Logs accepts only these retention periods (a subset is offered here). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 400, 545, 731, 1096, 1827, 3653] as const;
const retentionDays = () => z.literal(RETENTION_DAYS, { error: `one of ${RETENTION_DAYS.join(', ')}` });

/** An AWS region name (commercial, GovCloud or ISO partitions). */
export const awsRegion = () => {
  const error = 'an AWS region such as eu-west-1';
  return z.string({ error }).regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, error);
};

const bool = () => z.boolean({ error: 'true or false' });

/** The container-instance operating systems `hosts.os` offers. */
const HOST_OS = ['al2023', 'bottlerocket'] as const;

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|\d{1,2}xlarge|metal(-\d+xl)?)$/;
const instanceType = () => {
  const error = 'an EC2 instance type such as t3.small or m7i.large';
  return z.string({ error }).regex(INSTANCE_TYPE, error);
};
/** Most entries of hosts.additionalInstanceTypes: ten types in all with hosts.instanceType. */
const MAX_ADDITIONAL_INSTANCE_TYPES = 9;

/** `database.engine`: no database (the template unchanged) or one of the RDS engines. */
const DATABASE_ENGINE_SETTINGS = ['none', ...DATABASE_ENGINES] as const;

/** An RDS instance class: `db.` and an instance type of a family RDS offers, such as db.t4g.micro. */
const DB_INSTANCE_CLASS = /^db\.[a-z][a-z0-9-]*\d[a-z0-9-]*\.(micro|small|medium|large|xlarge|\d{1,2}xlarge)$/;
const dbInstanceClass = () => {
  const error = 'an RDS instance class such as db.t4g.micro or db.m7g.large';
  return z.string({ error }).regex(DB_INSTANCE_CLASS, error);
};

/** Most `app.persistentPaths` entries: each is an access point, a volume and a mount of the task. */
const MAX_PERSISTENT_PATHS = 10;
/** A quoted list of choices for a message: `"a" or "b"`. */
const choices = (values: readonly string[]) => values.map((v) => `"${v}"`).join(' or ');

/** The app's port: unprivileged (the app runs without CAP_NET_BIND_SERVICE), and not one the proxy listens on. */
const appPort = () => {
  const error = `an integer from 1024 to 65535, other than the proxy's ports ${PROXY_PORT} and ${PROXY_HEALTH_PORT}`;
  return int(1024, 65535)
    .refine((p) => p !== PROXY_PORT && p !== PROXY_HEALTH_PORT, { error })
    .meta({ description: error });
};

/** A path the app container may write, tmpfs or EFS (lib/constructs/app-shape.ts says what is allowed, and why). */
const writablePath = () =>
  z.string({ error: 'an absolute path' }).superRefine((value, ctx) => {
    const problem = declaredPathProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The path the ALB's health check requests (lib/constructs/app-shape.ts says what is allowed, and why). */
const healthCheckPath = () =>
  z.string({ error: 'an absolute URL path such as /healthz' }).superRefine((value, ctx) => {
    const problem = healthCheckPathProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A group of settings (`network`, `hosts`, …): unknown keys are errors, and the group may be left out. */
const section = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z
    .object(shape, { error: 'an object of settings' })
    .strict()
    .prefault({} as never); // {} is valid for every group: each setting has a default or is optional

export const appConfigSchema = z
  .object(
    {
      /** Name of the CloudFormation stack. */
      stackName: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a stack name: a letter, then letters, digits or hyphens (max 128)')
        .default('SecureEcsStarter'),

      /**
       * AWS region to deploy to. ALB access logging needs a concrete region at synth time.
       * Unset: the CLI's region (CDK_DEFAULT_REGION from your profile), else us-east-1.
       */
      region: awsRegion().optional(),

      /**
       * Compliance profile. `control-tower` also passes the AWS Control Tower proactive controls
       * (KMS-encrypted log groups kept a year, versioned and logged buckets, ALB deletion protection,
       * two instance types, ...) and checks them at synth; README "Compliance profiles".
       */
      compliance: z.enum(COMPLIANCE_PROFILES, { error: choices(COMPLIANCE_PROFILES) }).default('default'),

      network: section({
        /**
         * CIDR of the VPC: a network address (no host bits), large enough for a /26 public and a /22
         * private subnet in each AZ (lib/constructs/network.ts, SMALLEST_VPC_PREFIX).
         */
        vpcCidr: ipv4Cidr(16, SMALLEST_VPC_PREFIX, ` (each AZ takes a /${SUBNET_PREFIX.public} and a /${SUBNET_PREFIX.private})`).default(
          NETWORK_DEFAULTS.vpcCidr,
        ),
        /** Availability zones to spread over (the ALB needs two): the first ones of Fn::GetAZs. */
        maxAzs: int(2, MAX_AZS).default(NETWORK_DEFAULTS.maxAzs),
        /** NAT gateways for the private subnets' egress (1 is cheapest; one per AZ survives an AZ outage). */
        natGateways: int(1, MAX_AZS).default(NETWORK_DEFAULTS.natGateways),
        /**
         * `zonal`: network.natGateways gateways, each in one AZ's public subnet. `regional`: one NAT
         * gateway that AWS spreads over every AZ with workloads (no single-AZ point of failure;
         * network.natGateways must be 1). lib/constructs/network.ts, NAT_AVAILABILITY_MODES.
         */
        natAvailabilityMode: z.enum(NAT_AVAILABILITY_MODES, { error: choices(NAT_AVAILABILITY_MODES) }).default(NETWORK_DEFAULTS.natAvailabilityMode),
        /** Days to keep VPC flow logs. Unset: the network's default (NETWORK_DEFAULTS), or a year with compliance "control-tower". */
        flowLogRetentionDays: retentionDays().optional(),
      }),

      hosts: section({
        /**
         * EC2 instance type of the ECS container instances (family.size, for example t3.small).
         * Unset: EC2_CAPACITY_DEFAULTS.instanceType, or CONTROL_TOWER_DEFAULT_INSTANCE_TYPES with compliance "control-tower".
         */
        instanceType: instanceType().optional(),
        /**
         * More instance types the group may launch (same architecture). Unset: none, or
         * CONTROL_TOWER_DEFAULT_INSTANCE_TYPES with compliance "control-tower" and hosts.instanceType unset (CT.AUTOSCALING.PR.6).
         */
        additionalInstanceTypes: z
          .array(instanceType(), { error: `a list of at most ${MAX_ADDITIONAL_INSTANCE_TYPES} EC2 instance types` })
          .max(MAX_ADDITIONAL_INSTANCE_TYPES, { error: `a list of at most ${MAX_ADDITIONAL_INSTANCE_TYPES} EC2 instance types` })
          .optional(),
        /**
         * Operating system of the container instances: `al2023` (ECS-optimized Amazon Linux 2023,
         * hardened by lib/host/instance-user-data.sh) or `bottlerocket` (the ECS variant of
         * Bottlerocket, configured by TOML settings: lib/host/bottlerocket-settings.ts).
         */
        os: z.enum(HOST_OS, { error: choices(HOST_OS) }).default('al2023'),
        /**
         * Bottlerocket only: run the control host container, which carries the SSM agent (Session
         * Manager access to the Bottlerocket API). Unset: BOTTLEROCKET_DEFAULTS.controlContainer (lib/host/bottlerocket.ts) with hosts.os "bottlerocket".
         */
        controlContainer: bool().optional(),
        /** CPU architecture of the instances and images. */
        architecture: z.enum(['x86_64', 'arm64'], { error: '"x86_64" or "arm64"' }).default('x86_64'),
        /** Size of the encrypted gp3 root volume. */
        rootVolumeGiB: int(30, 1024).default(EC2_CAPACITY_DEFAULTS.rootVolumeGiB),
        minInstances: int(1, 10).default(EC2_CAPACITY_DEFAULTS.minCapacity),
        maxInstances: int(1, 20).default(EC2_CAPACITY_DEFAULTS.maxCapacity),
        /** Per-task process limit enforced by the ECS agent (ECS_TASK_PIDS_LIMIT, task-level pids.max). */
        taskPidsLimit: int(64, 4194304).default(EC2_CAPACITY_DEFAULTS.taskPidsLimit),
        /** Seconds the ECS agent waits after SIGTERM before SIGKILL (ECS_CONTAINER_STOP_TIMEOUT). */
        containerStopTimeoutSeconds: int(5, 120).default(EC2_CAPACITY_DEFAULTS.containerStopTimeoutSeconds),
      }),

      task: section({
        /** Task-level CPU units: a hard cap for the whole task (1024 = one vCPU). */
        cpu: int(128, 10240).default(HARDENED_TASK_DEFAULTS.cpu),
        /** Task-level memory in MiB: the hard limit for the whole task. */
        memoryMiB: int(128, 30720).default(HARDENED_TASK_DEFAULTS.memoryLimitMiB),
        /** Hard memory limit of the php-fpm container in MiB (includes its 16 MiB tmpfs). */
        appMemoryMiB: int(96, 30720).default(HARDENED_TASK_DEFAULTS.appMemoryLimitMiB),
        /** Hard memory limit of the nginx container in MiB (includes its 16 MiB tmpfs). */
        proxyMemoryMiB: int(48, 30720).default(HARDENED_TASK_DEFAULTS.proxyMemoryLimitMiB),
        /** CPU shares of the php-fpm container (relative weight inside the task). Unset: three quarters of task.cpu (defaultContainerCpu). */
        appCpuShares: int(2, 10240).optional(),
        /** CPU shares of the nginx container. Unset: the rest of task.cpu (defaultContainerCpu). */
        proxyCpuShares: int(2, 10240).optional(),
        /** Days to keep container logs. Unset: the task's default (HARDENED_TASK_DEFAULTS), or a year with compliance "control-tower". */
        logRetentionDays: retentionDays().optional(),
      }),

      rateLimit: section({
        /** Requests per second allowed per client address at each task's nginx (limit_req rate). */
        requestsPerSecond: int(1, 10000).default(HARDENED_TASK_DEFAULTS.rateLimitPerSecond),
        /** Requests above the rate served at once before 429 (limit_req burst, nodelay). */
        burst: int(0, 100000).default(HARDENED_TASK_DEFAULTS.rateLimitBurst),
        /** Concurrent connections per client address at nginx (limit_conn). */
        connectionsPerClient: int(1, 10000).default(HARDENED_TASK_DEFAULTS.connectionsPerClient),
        /** Retry-After seconds sent with 429 responses. */
        retryAfterSeconds: int(1, 3600).default(HARDENED_TASK_DEFAULTS.retryAfterSeconds),
      }),

      /**
       * The app behind the proxy: how the proxy talks to it, its entry points and where it may write.
       * README "Bring your own app" and lib/constructs/app-shape.ts.
       */
      app: section({
        /** `fastcgi` (php-fpm) or `http` (any HTTP server: the proxy forwards with X-Forwarded-For/-Proto set by itself). */
        protocol: z.enum(APP_PROTOCOLS, { error: choices(APP_PROTOCOLS) }).default(APP_SHAPE_DEFAULTS.protocol),
        /**
         * FastCGI only: `tcp` (127.0.0.1:port) or `unix` (a socket on a task-scoped tmpfs volume both
         * containers mount). Unset: `unix` for php-fpm on the default app.port, `tcp` otherwise
         * (fastcgiTransportOf in lib/constructs/app-shape.ts). An image whose pool listens on TCP and
         * does not read APP_FASTCGI_SOCKET sets `tcp`.
         */
        fastcgiTransport: z.enum(APP_FASTCGI_TRANSPORTS, { error: choices(APP_FASTCGI_TRANSPORTS) }).optional(),
        /**
         * FastCGI only: idle connections nginx keeps open to php-fpm (the upstream's `keepalive`). Each
         * holds a worker while idle: the app's pool needs at least twice as many workers (pm.max_children).
         */
        fastcgiKeptConnections: int(1, MAX_FASTCGI_KEPT_CONNECTIONS).default(APP_SHAPE_DEFAULTS.fastcgiKeptConnections),
        /** Port the app listens on at 127.0.0.1 inside the task. */
        port: appPort().default(APP_SHAPE_DEFAULTS.port),
        /** `front-controller` (every non-static request runs public/index.php) or `files` (every .php file under public/ in the image is an entry point). */
        entryPoints: z.enum(APP_ENTRY_POINTS, { error: choices(APP_ENTRY_POINTS) }).default(APP_SHAPE_DEFAULTS.entryPoints),
        /** HTTP methods the proxy passes to the app (others get 405 with an Allow header): GET and HEAD always, plus WebDAV/CalDAV ones for an app that needs them. */
        methods: z
          .array(z.enum(APP_METHODS, { error: `one of ${APP_METHODS.join(', ')}` }), { error: `a list of HTTP methods from ${APP_METHODS.join(', ')}` })
          .refine((m) => m.includes('GET') && m.includes('HEAD'), { error: 'a list that includes GET and HEAD (the health checks and static files use them)' })
          .refine((m) => new Set(m).size === m.length, { error: 'a list without repeated methods' })
          .default(APP_SHAPE_DEFAULTS.methods),
        /**
         * Paths the app may write besides /tmp: each a sized tmpfs, noexec, nosuid, nodev, counted in
         * task.appMemoryMiB; PHP's open_basedir includes them. The root filesystem stays read-only.
         * Unset: APP_SHAPE_DEFAULTS.writablePaths (none: only /tmp).
         */
        writablePaths: z
          .array(
            z
              .object(
                {
                  path: writablePath(),
                  sizeMiB: int(1, 30720),
                },
                { error: 'an object { "path": "/absolute/path", "sizeMiB": n }' },
              )
              .strict(),
            { error: `a list of at most ${MAX_WRITABLE_PATHS} { "path", "sizeMiB" } objects` },
          )
          .max(MAX_WRITABLE_PATHS, { error: `a list of at most ${MAX_WRITABLE_PATHS} { "path", "sizeMiB" } objects` })
          .optional(),
        /**
         * Paths kept across tasks and shared by them, on EFS: `{ "path": "/srv/app/uploads" }` entries,
         * each mounted read-write at its path through an access point owned by the app (33:33). Unset: none.
         */
        persistentPaths: z
          .array(z.object({ path: writablePath() }, { error: 'an object { "path": "/absolute/path" }' }).strict(), {
            error: `a list of at most ${MAX_PERSISTENT_PATHS} { "path": ... } entries`,
          })
          .max(MAX_PERSISTENT_PATHS, { error: `a list of at most ${MAX_PERSISTENT_PATHS} { "path": ... } entries` })
          .optional(),
        /**
         * The path the ALB's health check requests through the proxy (never rate-limited there): one
         * the app answers with 200 without a login.
         */
        healthCheckPath: healthCheckPath().default(DEFAULT_HEALTH_CHECK_PATH),
        /**
         * Seconds the ALB keeps sending a client to the same task (its load-balancer-generated cookie),
         * for sessions kept in a task without a database. Unset: no stickiness. README "Sessions" says
         * what it does not fix.
         */
        stickySessionSeconds: int(1, MAX_STICKY_SESSION_SECONDS).optional(),
      }),

      proxy: section({
        /** Largest request body in KiB (larger gets 413). */
        clientMaxBodySizeKiB: int(1, 1048576).default(HARDENED_TASK_DEFAULTS.clientMaxBodySizeKiB),
        /** Seconds nginx waits for a client's headers, body or reads (slow clients get 408). */
        requestTimeoutSeconds: int(1, 300).default(HARDENED_TASK_DEFAULTS.requestTimeoutSeconds),
      }),

      service: section({
        /** Tasks to run at deploy time. */
        desiredCount: int(1, 100).default(WEB_SERVICE_DEFAULTS.desiredCount),
        /** Lower bound of service auto scaling. */
        minTasks: int(1, 100).default(WEB_SERVICE_DEFAULTS.minTasks),
        /** Upper bound of service auto scaling. */
        maxTasks: int(1, 100).default(WEB_SERVICE_DEFAULTS.maxTasks),
        /** Average CPU utilisation the service auto scaling aims for. */
        targetCpuPercent: int(10, 90).default(WEB_SERVICE_DEFAULTS.targetCpuPercent),
        /**
         * How ECS replaces the tasks on a deployment: `rolling` (in place, circuit breaker), or
         * `blue-green`, `canary`, `linear` (a whole new revision beside the old one, verified through
         * the test listener by a hook before production traffic moves, rolled back on the deployment
         * alarms). lib/constructs/deployment-strategy.ts; README "Deployment strategies".
         */
        deploymentStrategy: z.enum(DEPLOYMENT_STRATEGIES, { error: choices(DEPLOYMENT_STRATEGIES) }).default(DEPLOYMENT_STRATEGY_DEFAULTS.strategy),
        /** Minutes the old revision keeps running after all traffic moved (not `rolling`). */
        bakeTimeMinutes: int(0, MAX_BAKE_TIME_MINUTES).default(DEPLOYMENT_STRATEGY_DEFAULTS.bakeTimeMinutes),
        /** Percentage of production traffic the canary takes first (`canary` only). */
        canaryPercent: int(TRAFFIC_SHARE_PERCENT.canary.min, TRAFFIC_SHARE_PERCENT.canary.max).default(DEPLOYMENT_STRATEGY_DEFAULTS.canaryPercent),
        /** Minutes the canary runs before the rest of the traffic moves (`canary` only). */
        canaryBakeTimeMinutes: int(0, MAX_BAKE_TIME_MINUTES).default(DEPLOYMENT_STRATEGY_DEFAULTS.canaryBakeTimeMinutes),
        /** Percentage of production traffic each step moves (`linear` only). */
        linearStepPercent: int(TRAFFIC_SHARE_PERCENT.linear.min, TRAFFIC_SHARE_PERCENT.linear.max).default(DEPLOYMENT_STRATEGY_DEFAULTS.linearStepPercent),
        /** Minutes between steps (`linear` only). */
        linearStepBakeTimeMinutes: int(0, MAX_BAKE_TIME_MINUTES).default(DEPLOYMENT_STRATEGY_DEFAULTS.linearStepBakeTimeMinutes),
        /**
         * The admission hook (README "Supply chain"): before the new revision's tasks start, every image
         * must come from the CDK assets repository by a sha256 digest (its tag resolved by ECR), and
         * optionally be signed and free of blocked scan findings. Needs a strategy other than `rolling`.
         * lib/constructs/image-admission-hook.ts.
         */
        imageAdmission: section({
          enabled: bool().default(false),
          /** Every image must have a completed ECR managed-signing signature (account.imageSigning). */
          requireSignature: bool().default(false),
          /** Scan-finding severities that refuse an image (needs ECR scanning); empty: findings are not read. */
          blockSeverities: z
            .array(z.enum(FINDING_SEVERITIES, { error: choices(FINDING_SEVERITIES) }), { error: 'a list of severities' })
            .max(FINDING_SEVERITIES.length)
            .optional(),
          /** Finding ids (CVE-2026-1234, GHSA-…) admitted despite their severity. */
          acceptedFindings: z
            .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { error: 'a finding id such as CVE-2026-1234' }), { error: 'a list of finding ids' })
            .max(500)
            .optional(),
        }),
      }),

      edge: section({
        /** ACM certificate ARN: when set, the ALB serves HTTPS on 443 and redirects HTTP to it. */
        certificateArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, 'an ACM certificate ARN')
          .optional(),
        /** Add an AWS WAF web ACL with a rate-based rule (a global per-IP limit across tasks). */
        enableWaf: bool().default(false),
        /** Requests per client IP per 5 minutes allowed by the WAF rate-based rule. */
        wafRequestsPer5Minutes: int(10, 2000000000).default(2000),
        /** Days to keep ALB access logs in S3. */
        accessLogRetentionDays: int(1, 3650).default(PUBLIC_LOAD_BALANCER_DEFAULTS.accessLogRetentionDays),
      }),

      /**
       * CloudWatch alarms, failure events and the dashboard (README "Alarms and dashboard"): where
       * they notify and the thresholds the alarms fire at. Each alarm looks at one-minute periods and
       * fires when 3 of the last 5 breach (lib/constructs/service-alarms.ts).
       */
      alarms: section({
        /** An e-mail address subscribed to the alarm topic (SNS asks it to confirm first). Unset: no subscription. */
        email: z
          .string({ error: 'an e-mail address such as ops@example.com' })
          .max(254, { error: 'an e-mail address such as ops@example.com (at most 254 characters)' })
          .regex(/^[^@\s"<>()[\],;:\p{Cc}]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/u, { error: 'an e-mail address such as ops@example.com' })
          .optional(),
        /** 5xx a minute the ALB answers itself (no healthy target, a target reset or timed out). */
        loadBalancer5xxPerMinute: int(1, 100000).default(SERVICE_ALARMS_DEFAULTS.loadBalancer5xxPerMinute),
        /** 5xx a minute the tasks answer. */
        target5xxPerMinute: int(1, 100000).default(SERVICE_ALARMS_DEFAULTS.target5xxPerMinute),
        /** Tasks failing the ALB health check at once. */
        unhealthyTargets: int(1, 100).default(SERVICE_ALARMS_DEFAULTS.unhealthyTargets),
        /** p99 of the tasks' response time, in milliseconds. */
        p99ResponseTimeMs: int(10, 60000).default(SERVICE_ALARMS_DEFAULTS.p99ResponseTimeMs),
        /** Connections a minute the ALB refuses at its connection limit. */
        rejectedConnectionsPerMinute: int(1, 100000).default(SERVICE_ALARMS_DEFAULTS.rejectedConnectionsPerMinute),
        /** Percentage of the proxy's answers that are 429 (rate or connection limit). */
        rateLimitedPercent: int(1, 100).default(SERVICE_ALARMS_DEFAULTS.rateLimitedPercent),
        /** Average task CPU as a percentage of task.cpu, the hard cap the tasks are throttled at. */
        cpuAtCapPercent: int(10, 100).default(SERVICE_ALARMS_DEFAULTS.cpuAtCapPercent),
      }),

      /**
       * An RDS database for the app (README "Database"): its address, port and name reach the app
       * container as environment, its user and password as ECS secrets from the secret RDS manages.
       */
      database: section({
        /** `none` (no database: the template is unchanged), `mariadb` or `postgres`. */
        engine: z.enum(DATABASE_ENGINE_SETTINGS, { error: DATABASE_ENGINE_SETTINGS.map((e) => `"${e}"`).join(', ') }).default('none'),
        /** RDS instance class. */
        instanceClass: dbInstanceClass().default(DATABASE_DEFAULTS.instanceClass),
        /** Storage at creation, in GiB (gp3, encrypted). */
        allocatedStorageGiB: int(20, 65536).default(DATABASE_DEFAULTS.allocatedStorageGiB),
        /** Upper bound of storage autoscaling, in GiB: at least database.allocatedStorageGiB. */
        maxAllocatedStorageGiB: int(20, 65536).default(DATABASE_DEFAULTS.maxAllocatedStorageGiB),
        /** Days automated backups are kept (point-in-time recovery within them). */
        backupRetentionDays: int(1, 35).default(DATABASE_DEFAULTS.backupRetentionDays),
        /** A synchronous standby in a second AZ. Unset: false, or true with compliance "control-tower" (CT.RDS.PR.1). */
        multiAz: bool().optional(),
        /** Refuse to delete the instance (CloudFormation included) until this is turned off. */
        deletionProtection: bool().default(DATABASE_DEFAULTS.deletionProtection),
        /** Take a final snapshot when the instance is deleted (CloudFormation DeletionPolicy Snapshot). */
        finalSnapshot: bool().default(DATABASE_DEFAULTS.finalSnapshot),
        /** Also accept IAM authentication tokens. Unset: false, or true with compliance "control-tower" (CT.RDS.PR.7). */
        iamAuthentication: bool().optional(),
        /** Seconds between enhanced monitoring samples; 0 turns it off. */
        monitoringIntervalSeconds: z
          .literal(MONITORING_INTERVALS, { error: `one of ${MONITORING_INTERVALS.join(', ')}` })
          .default(DATABASE_DEFAULTS.monitoringIntervalSeconds),
        /** Performance Insights (not offered for every instance class and engine: RDS refuses at deploy). */
        performanceInsights: bool().default(DATABASE_DEFAULTS.performanceInsights),
      }),

      /**
       * Where the app's tasks may connect. Egress is denied unless a destination is named here or
       * follows from another setting (the database, the persistent paths).
       */
      egress: section({
        /** HTTPS (443) to any internet address, through the NAT gateways: for apps that call APIs. */
        internetHttps: bool().default(false),
      }),

      /**
       * Break-glass ECS Exec (README "Break-glass ECS Exec"): a shell in the running containers for an
       * incident, off by default and audited while on (SVC-EXEC-01). Turn it on for one environment
       * with environments.<name>.ecsExec.enabled; lib/constructs/break-glass-exec.ts says what it adds.
       */
      ecsExec: section({
        /** ECS Exec on the service, with sessions KMS-encrypted and logged to a KMS-encrypted log group. */
        enabled: bool().default(false),
      }),

      /**
       * Where CI/CD runs: read by the deploy-role app (bin/deploy-roles.ts), not by the app's stack.
       * Per environment, since each account has its own GitHub OIDC provider.
       */
      github: section({
        /** The GitHub repository (owner/name) whose workflows may assume the deploy roles. */
        repository: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/, 'a GitHub repository as owner/name, such as my-org/secure-ecs-starter')
          .optional(),
        /**
         * ARN of an existing GitHub OIDC identity provider in the environment's account (an account
         * holds one per URL). Unset: the deploy-role stack creates it.
         */
        oidcProviderArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
            'an IAM OIDC provider ARN for token.actions.githubusercontent.com',
          )
          .optional(),
        /**
         * Also create a read-only role that pull-request workflows assume for `cdk diff
         * --method=template` (it may assume only the CDK lookup role).
         */
        pullRequestDiffRole: bool().default(false),
      }),

      /**
       * Account- and registry-level settings (README "Supply chain and runtime detection"): read by the
       * account stack (bin/deploy-roles.ts), one per AWS account; `guardDutyRuntimeMonitoring` also
       * by the app's stack (the hosts' VPC endpoint and role). Each is off by default and costs money
       * when on (README lists the prices). lib/account/ builds them. Set at the top level only: in an
       * environment, `account` is its AWS account ID, so every account gets the same settings.
       */
      account: section({
        /** ECR managed signing (AWS Signer, Notation format) of every image pushed to the CDK assets repository. */
        imageSigning: bool().default(ACCOUNT_SETTINGS_DEFAULTS.imageSigning),
        /**
         * ECR enhanced scanning (Amazon Inspector) of the CDK assets repository, rescanned continuously,
         * and an EventBridge rule that sends critical and high findings on images in use to the account
         * stack's alarm topic. Replaces the registry's basic scanning for every other repository.
         */
        enhancedScanning: bool().default(ACCOUNT_SETTINGS_DEFAULTS.enhancedScanning),
        /**
         * GuardDuty Runtime Monitoring with automated agent management for EC2 (the account stack), and
         * what the hosts need to report to it: the guardduty-data VPC endpoint and, on Bottlerocket, the
         * right to pull the agent's host container (the app's stack).
         */
        guardDutyRuntimeMonitoring: bool().default(ACCOUNT_SETTINGS_DEFAULTS.guardDutyRuntimeMonitoring),
        /**
         * The repository the CDK publishes the images to. Unset: the bootstrap's,
         * cdk-<qualifier>-container-assets-<account>-<region> (the qualifier from cdk.json's
         * `@aws-cdk/core:bootstrapQualifier`, default hnb659fds).
         */
        assetsRepositoryName: z
          .string({ error: 'an ECR repository name such as cdk-hnb659fds-container-assets-111111111111-eu-west-1' })
          .regex(ECR_REPOSITORY_NAME, 'an ECR repository name such as cdk-hnb659fds-container-assets-111111111111-eu-west-1')
          .optional(),
      }),
    },
    { error: 'an object of settings' },
  )
  .strict();

/** Configuration as written by users: every field optional. */
export type AppConfigInput = z.input<typeof appConfigSchema>;
type Parsed = z.output<typeof appConfigSchema>;
/**
 * Configuration after defaults and validation: what the stack receives. The settings whose
 * default depends on the compliance profile are resolved (lib/config/validate-config.ts).
 */
export type AppConfig = Omit<Parsed, 'network' | 'task' | 'hosts' | 'database'> & {
  /**
   * The named environment selected with `-c env=<name>` (lib/config/resolve-config.ts): the stack is
   * pinned to its account and to `region`. Unset: the stack is environment-agnostic, as before.
   */
  readonly environment?: DeployEnvironment;
  readonly network: Omit<Parsed['network'], 'flowLogRetentionDays'> & { readonly flowLogRetentionDays: number };
  readonly task: Omit<Parsed['task'], 'logRetentionDays' | 'appCpuShares' | 'proxyCpuShares'> & {
    readonly logRetentionDays: number;
    readonly appCpuShares: number;
    readonly proxyCpuShares: number;
  };
  readonly hosts: Parsed['hosts'] & { readonly instanceType: string; readonly additionalInstanceTypes: string[] };
  readonly database: Parsed['database'] & { readonly multiAz: boolean; readonly iamAuthentication: boolean };
};
/** A named environment's target: where `-c env=<name>` deploys. */
export interface DeployEnvironment {
  /** The key under `secure-ecs.environments`; the stack name ends with it. */
  readonly name: string;
  /** The 12-digit AWS account the stack is pinned to. */
  readonly account: string;
}
/** The parsed configuration before profile-dependent defaults are applied. */
export type ParsedConfig = Parsed;
