import { CfnOutput, Duration, Fn, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeControlTowerExceptions } from './compliance/control-tower-exceptions';
import type { AppConfig } from './config/app-config';
import { ConfigError } from './config/validate-config';
import { AlarmTopic } from './constructs/alarm-topic';
import { BreakGlassExec } from './constructs/break-glass-exec';
import { Database, DATABASE_NAME, RDS_CA_BUNDLE_PATH } from './constructs/database';
import { Ec2Capacity } from './constructs/ec2-capacity';
import { FailureEvents } from './constructs/failure-events';
import { ImageAdmissionHook } from './constructs/image-admission-hook';
import { APP_GID, APP_UID, HardenedTaskDefinition } from './constructs/hardened-task-definition';
import { isInsidePublicFolder } from './constructs/app-shape';
import { LogEncryptionKey } from './constructs/log-encryption-key';
import { Network } from './constructs/network';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { PersistentStorage } from './constructs/persistent-storage';
import { PublicLoadBalancer } from './constructs/public-load-balancer';
import { ServiceAlarms } from './constructs/service-alarms';
import { VerifyHook } from './constructs/verify-hook';
import { WebService } from './constructs/web-service';
import { HostOs } from './host/host-os';

export interface SecureEcsStackProps extends StackProps {
  /** The validated configuration (lib/config/validate-config.ts). */
  readonly config: AppConfig;
  /**
   * Image build contexts, one folder per container.
   *
   * @default - the repository's containers/ folder
   */
  readonly containersDir?: string;
}

/**
 * The whole app: network, cluster and hosts, the hardened task, the service and its load balancer.
 * The stack maps the configuration to each construct's props, once, and wires the constructs
 * together; each construct owns one concern and can be built on its own.
 */
export class SecureEcsStack extends Stack {
  readonly network: Network;
  readonly cluster: ecs.Cluster;
  readonly capacity: Ec2Capacity;
  readonly task: HardenedTaskDefinition;
  readonly loadBalancer: PublicLoadBalancer;
  readonly web: WebService;
  /** The app's database, with `database.engine` other than `none`. */
  readonly database?: Database;
  /** The app's persistent paths on EFS, with `app.persistentPaths`. */
  readonly persistentStorage?: PersistentStorage;
  /** Encrypts the log groups and server access logs with compliance "control-tower". */
  readonly logKey?: LogEncryptionKey;
  /** The encrypted SNS topic every alarm and failure event notifies (`alarms.email` subscribes to it). */
  readonly alarmTopic: AlarmTopic;
  /** The CloudWatch alarms; `alarms.deploymentAlarms` are the ones a deployment rolls back on. */
  readonly alarms: ServiceAlarms;
  /** EventBridge rules for OOM kills, unexpected task stops and failing hosts. */
  readonly failureEvents: FailureEvents;
  readonly dashboard: OperationsDashboard;
  /** The hook that verifies a new revision through the test listener, with a `service.deploymentStrategy` other than rolling. */
  readonly verifyHook?: VerifyHook;
  /** The hook that checks every image of a new revision before its tasks start, with `service.imageAdmission.enabled`. */
  readonly imageAdmissionHook?: ImageAdmissionHook;

  /** The AZs the configuration asks for (`network.maxAzs`); read by {@link availabilityZones}. */
  private readonly azCount: number;

  /**
   * The AZs the VPC spreads over: the first `network.maxAzs` of `Fn::GetAZs`, resolved by
   * CloudFormation at deploy time, for agnostic and pinned stacks alike. CDK's own choice would be
   * two AZs for an environment-agnostic stack whatever `maxAzs` says (aws-cdk-lib core/lib/stack.ts,
   * `get availabilityZones`), and for a stack pinned to an account an `availability-zones` context
   * query that needs credentials for that account (cached in cdk.context.json), so `cdk synth -c
   * env=prod` could not run offline or in a pull request without AWS access. Here synth needs
   * nothing from AWS and dev and prod templates differ only by their settings. The CDK context key
   * `aws:cdk:availability-zones:fallback` still overrides the list (https://docs.aws.amazon.com/cdk/v2/guide/context.html);
   * the constructor refuses a list shorter than `maxAzs`. In a region where the account has fewer
   * AZs than `maxAzs` the deployment fails on `Fn::Select`: CloudFormation is where that is known.
   */
  override get availabilityZones(): string[] {
    return this.node.tryGetContext(cxapi.AVAILABILITY_ZONE_FALLBACK_CONTEXT_KEY) ?? Array.from({ length: this.azCount }, (_, i) => Fn.select(i, Fn.getAzs()));
  }

  constructor(scope: Construct, id: string, props: SecureEcsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const controlTower = config.compliance === 'control-tower';
    this.azCount = config.network.maxAzs;
    const azs = this.availabilityZones;
    if (azs.length < this.azCount) {
      // The VPC would quietly take fewer AZs (and NAT gateways) than configured.
      throw new ConfigError([
        `network.maxAzs: received ${this.azCount}; expected at most ${azs.length}, the AZs the CDK context ` +
          `"${cxapi.AVAILABILITY_ZONE_FALLBACK_CONTEXT_KEY}" lists (${JSON.stringify(azs)})`,
      ]);
    }

    if (controlTower) this.logKey = new LogEncryptionKey(this, 'LogKey', { allowS3ServerAccessLogs: true });

    this.network = new Network(this, 'Network', {
      vpcCidr: config.network.vpcCidr,
      maxAzs: config.network.maxAzs,
      natGateways: config.network.natGateways,
      natAvailabilityMode: config.network.natAvailabilityMode,
      flowLogRetention: config.network.flowLogRetentionDays as logs.RetentionDays,
      flowLogEncryptionKey: this.logKey,
      isolatedSubnets: config.database.engine !== 'none',
      guardDutyDataEndpoint: config.account.guardDutyRuntimeMonitoring,
    });

    const db = config.database;
    if (db.engine !== 'none') {
      this.database = new Database(this, 'Database', {
        vpc: this.network.vpc,
        engine: db.engine,
        instanceClass: db.instanceClass,
        allocatedStorageGiB: db.allocatedStorageGiB,
        maxAllocatedStorageGiB: db.maxAllocatedStorageGiB,
        backupRetention: Duration.days(db.backupRetentionDays),
        multiAz: db.multiAz,
        deletionProtection: db.deletionProtection,
        finalSnapshot: db.finalSnapshot,
        iamAuthentication: db.iamAuthentication,
        monitoringInterval: Duration.seconds(db.monitoringIntervalSeconds),
        performanceInsights: db.performanceInsights,
      });
    }
    const persistentPaths = (config.app.persistentPaths ?? []).map((p) => p.path);
    if (persistentPaths.length > 0) {
      this.persistentStorage = new PersistentStorage(this, 'PersistentStorage', {
        vpc: this.network.vpc,
        paths: persistentPaths,
        publicPaths: persistentPaths.filter(isInsidePublicFolder),
        uid: APP_UID,
        gid: APP_GID,
      });
    }

    // Break-glass ECS Exec, only when turned on: the cluster's session encryption and logging here,
    // the service's side once the service exists.
    const breakGlass = config.ecsExec.enabled
      ? new BreakGlassExec(this, 'BreakGlassExec', { logRetention: config.task.logRetentionDays as logs.RetentionDays, logEncryptionKey: this.logKey })
      : undefined;
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      executeCommandConfiguration: breakGlass?.clusterConfiguration,
    });

    const h = config.hosts;
    this.capacity = new Ec2Capacity(this, 'Capacity', {
      vpc: this.network.vpc,
      cluster: this.cluster,
      instanceType: new ec2.InstanceType(h.instanceType),
      additionalInstanceTypes: h.additionalInstanceTypes.map((t) => new ec2.InstanceType(t)),
      os: h.os === 'bottlerocket' ? HostOs.bottlerocket({ controlContainer: h.controlContainer }) : HostOs.al2023(),
      hardwareType: h.architecture === 'arm64' ? ecs.AmiHardwareType.ARM : ecs.AmiHardwareType.STANDARD,
      rootVolumeSize: Size.gibibytes(h.rootVolumeGiB),
      minCapacity: h.minInstances,
      maxCapacity: h.maxInstances,
      taskPidsLimit: h.taskPidsLimit,
      containerStopTimeout: Duration.seconds(h.containerStopTimeoutSeconds),
      explicitAvailabilityZones: controlTower,
      guardDutyAgent: config.account.guardDutyRuntimeMonitoring,
    });

    const t = config.task;
    this.task = new HardenedTaskDefinition(this, 'Task', {
      cpu: t.cpu,
      memoryLimitMiB: t.memoryMiB,
      appMemoryLimitMiB: t.appMemoryMiB,
      proxyMemoryLimitMiB: t.proxyMemoryMiB,
      appCpu: t.appCpuShares,
      proxyCpu: t.proxyCpuShares,
      logRetention: t.logRetentionDays as logs.RetentionDays,
      logEncryptionKey: this.logKey,
      rateLimitPerSecond: config.rateLimit.requestsPerSecond,
      rateLimitBurst: config.rateLimit.burst,
      connectionsPerClient: config.rateLimit.connectionsPerClient,
      retryAfter: Duration.seconds(config.rateLimit.retryAfterSeconds),
      clientMaxBodySize: Size.kibibytes(config.proxy.clientMaxBodySizeKiB),
      requestTimeout: Duration.seconds(config.proxy.requestTimeoutSeconds),
      appProtocol: config.app.protocol,
      appFastcgiTransport: config.app.fastcgiTransport,
      appFastcgiKeptConnections: config.app.fastcgiKeptConnections,
      appPort: config.app.port,
      appEntryPoints: config.app.entryPoints,
      appMethods: config.app.methods,
      appWritablePaths: config.app.writablePaths,
      appPersistentPaths: persistentPaths,
      healthCheckPath: config.app.healthCheckPath,
      cpuArchitecture: h.architecture === 'arm64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      trustedProxyCidrs: this.network.loadBalancerCidrs,
      containersDir: props.containersDir,
      // The app container's database contract (containers/app/README.md "Database"; the local runner reads it too).
      appEnvironment: this.database && {
        DB_ENGINE: this.database.engine,
        DB_HOST: this.database.host,
        DB_PORT: String(this.database.port),
        DB_NAME: DATABASE_NAME,
        DB_TLS_CA_FILE: RDS_CA_BUNDLE_PATH,
      },
      appSecrets: this.database?.appSecrets(),
      appDatabaseEngine: this.database?.engine,
      // The service below puts the task behind the ALB, whose health check gates traffic: the proxy
      // need not wait for the app to be HEALTHY (HardenedTaskDefinition, where the dependency is set).
      proxyStartsAfterApp: ecs.ContainerDependencyCondition.START,
    });
    this.persistentStorage?.mountInto(this.task.taskDefinition, this.task.app);
    // Public persistent paths (uploads inside the public folder): the proxy serves their files as it
    // serves the image's static files, read-only; a script there it refuses.
    this.persistentStorage?.mountReadOnlyInto(this.task.proxy, persistentPaths.filter(isInsidePublicFolder));

    const e = config.edge;
    this.loadBalancer = new PublicLoadBalancer(this, 'LoadBalancer', {
      vpc: this.network.vpc,
      certificate: e.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', e.certificateArn) : undefined,
      webAclRequestsPer5Minutes: e.enableWaf ? e.wafRequestsPer5Minutes : undefined,
      accessLogRetention: Duration.days(e.accessLogRetentionDays),
      deletionProtection: controlTower,
      protectedAccessLogs: this.logKey ? { serverAccessLogsEncryptionKey: this.logKey } : undefined,
    });

    this.web = new WebService(this, 'Web', {
      cluster: this.cluster,
      taskDefinition: this.task.taskDefinition,
      targetContainer: this.task.proxy,
      capacityProvider: this.capacity.capacityProvider,
      listener: this.loadBalancer.listener,
      desiredCount: config.service.desiredCount,
      minTasks: config.service.minTasks,
      maxTasks: config.service.maxTasks,
      targetCpuPercent: config.service.targetCpuPercent,
      internetHttpsEgress: config.egress.internetHttps,
      healthCheckPath: config.app.healthCheckPath,
      stickySessionDuration: config.app.stickySessionSeconds === undefined ? undefined : Duration.seconds(config.app.stickySessionSeconds),
      deployment: config.service,
      testClients: this.network.natPublicIps?.map((ip) => ec2.Peer.ipv4(`${ip}/32`)),
    });
    breakGlass?.enableOn({
      service: this.web.service,
      taskDefinition: this.task.taskDefinition,
      containers: [this.task.app, this.task.proxy],
      securityGroup: this.web.securityGroup,
      internetHttpsEgress: config.egress.internetHttps,
    });
    // Each opens the database's or the mount targets' ingress from the tasks and the tasks' egress to it, on its port only.
    this.database?.allowFrom(this.web.securityGroup);
    this.persistentStorage?.allowFrom(this.web.securityGroup);

    const a = config.alarms;
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { emailAddress: a.email });
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      topic: this.alarmTopic.topic,
      loadBalancer: this.loadBalancer.loadBalancer,
      targetGroup: this.web.targetGroup,
      alternateTargetGroup: this.web.trafficShift?.alternate,
      service: this.web.service,
      cluster: this.cluster,
      minHosts: h.minInstances,
      proxyLogGroup: this.task.proxyLogGroup,
      loadBalancer5xxPerMinute: a.loadBalancer5xxPerMinute,
      target5xxPerMinute: a.target5xxPerMinute,
      unhealthyTargets: a.unhealthyTargets,
      p99ResponseTime: Duration.millis(a.p99ResponseTimeMs),
      rejectedConnectionsPerMinute: a.rejectedConnectionsPerMinute,
      rateLimitedPercent: a.rateLimitedPercent,
      cpuAtCapPercent: a.cpuAtCapPercent,
    });
    this.failureEvents = new FailureEvents(this, 'FailureEvents', {
      topic: this.alarmTopic.topic,
      cluster: this.cluster,
      service: this.web.service,
      autoScalingGroup: this.capacity.autoScalingGroup,
    });
    if (this.web.trafficShift) {
      // A traffic-shifting deployment proves the new revision through the test listener before production
      // traffic moves, and rolls back when a deployment alarm fires while traffic moves or bakes.
      this.verifyHook = new VerifyHook(this, 'DeploymentVerifyHook', {
        service: this.web.service,
        testUrl: this.web.trafficShift.testUrl,
        appMethods: config.app.methods,
        logRetention: t.logRetentionDays as logs.RetentionDays,
        logEncryptionKey: this.logKey,
      });
      const admission = config.service.imageAdmission;
      if (admission.enabled) {
        this.imageAdmissionHook = new ImageAdmissionHook(this, 'ImageAdmissionHook', {
          service: this.web.service,
          requireSignature: admission.requireSignature,
          blockSeverities: admission.blockSeverities ?? [],
          acceptedFindings: admission.acceptedFindings ?? [],
          logRetention: t.logRetentionDays as logs.RetentionDays,
          logEncryptionKey: this.logKey,
        });
      }
      this.web.service.enableDeploymentAlarms(
        this.alarms.deploymentAlarms.map((alarm) => alarm.alarmName),
        { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
      );
    }
    this.dashboard = new OperationsDashboard(this, 'Dashboard', { alarms: this.alarms.titled, events: this.failureEvents.all });

    if (controlTower) acknowledgeControlTowerExceptions(this.loadBalancer, { httpOnly: !e.certificateArn, testListener: this.web.trafficShift?.testListener });

    new CfnOutput(this, 'Url', { value: this.loadBalancer.url, description: 'Public URL of the app' });
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
    new CfnOutput(this, 'ServiceName', { value: this.web.service.serviceName });
    new CfnOutput(this, 'AppLogGroup', { value: this.task.appLogGroup.logGroupName });
    new CfnOutput(this, 'ProxyLogGroup', { value: this.task.proxyLogGroup.logGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn, description: 'SNS topic of the alarms: subscribe a pager or chat here' });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboard.dashboardName });
    if (breakGlass) {
      new CfnOutput(this, 'ExecSessionLogGroup', { value: breakGlass.logGroup.logGroupName, description: 'ECS Exec sessions (break-glass) are logged here' });
      new CfnOutput(this, 'ExecSessionKeyArn', { value: breakGlass.sessionKey.keyArn, description: 'ECS Exec callers need kms:GenerateDataKey on this key' });
    }
  }
}
