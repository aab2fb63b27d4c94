import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DataEncryptionKey } from './data-encryption-key';

/** The engines `database.engine` offers besides `none`. */
export const DATABASE_ENGINES = ['mariadb', 'postgres'] as const;
export type DatabaseEngineName = (typeof DATABASE_ENGINES)[number];

/**
 * Each engine's port: the engine's own default, so clients need no setting. A literal, so the task
 * definition carries it as the literal string `DB_PORT` (the local runner reads it from there).
 */
const DATABASE_PORTS: Readonly<Record<DatabaseEngineName, number>> = { mariadb: 3306, postgres: 5432 };

/** The database RDS creates at launch (`DBName`), given to the app as `DB_NAME`. */
export const DATABASE_NAME = 'app';

/**
 * The master user: not the engine's default (`admin`/`postgres`, which CT.RDS.PR.22 refuses), so
 * a guess of the name is not half of a login. RDS keeps it, with the password, in the managed secret.
 */
export const DATABASE_MASTER_USERNAME = 'app_admin';

/**
 * Where the app image keeps the CA bundle that verifies RDS servers (`DB_TLS_CA_FILE`): the RDS
 * global bundle, committed in containers/app/rds/ (its README names the source) and copied by the
 * app's Dockerfile, so the build needs no internet.
 */
export const RDS_CA_BUNDLE_PATH = '/etc/ssl/certs/rds-global-bundle.pem';

/** The database's defaults: the configuration schema (lib/config/app-config.ts) reads them from here. */
export const DATABASE_DEFAULTS = {
  /** The smallest Graviton burstable class, as the hosts' default is the smallest that runs the task. */
  instanceClass: 'db.t4g.micro',
  allocatedStorageGiB: 20,
  maxAllocatedStorageGiB: 100,
  /** A week: CT.RDS.PR.8 asks for 7 to 35 days. */
  backupRetentionDays: 7,
  multiAz: false,
  deletionProtection: true,
  finalSnapshot: true,
  iamAuthentication: false,
  /** Enhanced monitoring every 60 s (CT.RDS.PR.2, prowler rds_instance_enhanced_monitoring_enabled). */
  monitoringIntervalSeconds: 60,
  performanceInsights: false,
} as const;

/** Fewer days of backups than this is a finding of the audit (RDS-BAK-01) and of CT.RDS.PR.8, acknowledged when configured. */
const MIN_RECOMMENDED_BACKUP_DAYS = 7;

/** Intervals RDS enhanced monitoring accepts (0 turns it off). */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/**
 * Per engine: the engine version, the parameters that make the server refuse connections without
 * TLS and turn on the logs it exports, and the logs exported to CloudWatch Logs (every type the
 * engine has, as CT.RDS.PR.14 asks).
 */
const ENGINES: Readonly<
  Record<DatabaseEngineName, { engine: rds.IInstanceEngine; parameters: Record<string, string>; logExports: string[]; auditPlugin: boolean }>
> = {
  mariadb: {
    // Major versions only: RDS applies minor upgrades (autoMinorVersionUpgrade) without a template change.
    engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.of('11.4', '11.4') }),
    // https://mariadb.com/kb/en/server-system-variables/#require_secure_transport. The slow query log
    // is written to a file RDS exports. The general log (every statement, with its data) stays off:
    // it is exported when an operator turns general_log on for a while, never by default.
    parameters: { require_secure_transport: '1', slow_query_log: '1', log_output: 'FILE' },
    logExports: ['audit', 'error', 'general', 'slowquery'],
    // The `audit` log is written by the MariaDB Audit Plugin, an option of the option group
    // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MariaDB.Options.AuditPlugin.html).
    auditPlugin: true,
  },
  postgres: {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html#PostgreSQL.Concepts.General.SSL.Requiring
    parameters: { 'rds.force_ssl': '1' },
    logExports: ['postgresql', 'upgrade'],
    auditPlugin: false,
  },
};

export interface DatabaseProps {
  readonly vpc: ec2.IVpc;
  readonly engine: DatabaseEngineName;
  /**
   * RDS instance class, such as `db.t4g.micro`.
   *
   * @default DATABASE_DEFAULTS.instanceClass
   */
  readonly instanceClass?: string;
  /** @default DATABASE_DEFAULTS.allocatedStorageGiB */
  readonly allocatedStorageGiB?: number;
  /** Upper bound of storage autoscaling. @default DATABASE_DEFAULTS.maxAllocatedStorageGiB */
  readonly maxAllocatedStorageGiB?: number;
  /** How long automated backups are kept. @default DATABASE_DEFAULTS.backupRetentionDays */
  readonly backupRetention?: Duration;
  /** A standby in another AZ. @default DATABASE_DEFAULTS.multiAz */
  readonly multiAz?: boolean;
  /** @default DATABASE_DEFAULTS.deletionProtection */
  readonly deletionProtection?: boolean;
  /** Keep a final snapshot when the instance is deleted. @default DATABASE_DEFAULTS.finalSnapshot */
  readonly finalSnapshot?: boolean;
  /** Also accept IAM database authentication tokens. @default DATABASE_DEFAULTS.iamAuthentication */
  readonly iamAuthentication?: boolean;
  /** Enhanced monitoring interval; zero turns it off. @default DATABASE_DEFAULTS.monitoringIntervalSeconds */
  readonly monitoringInterval?: Duration;
  /** @default DATABASE_DEFAULTS.performanceInsights */
  readonly performanceInsights?: boolean;
}

/**
 * An RDS instance for the app: in the VPC's isolated subnets, never public, storage and the
 * managed master secret encrypted with its own KMS key, TLS required by its parameter group,
 * automated backups, deletion protection and a final snapshot, every log exported. Its security
 * group admits nobody until {@link allowFrom} names a client. The master password is generated,
 * stored and rotated by RDS in Secrets Manager (manageMasterUserPassword); {@link appSecrets}
 * hands its fields to a container as ECS secrets.
 */
export class Database extends Construct {
  readonly instance: rds.DatabaseInstance;
  readonly securityGroup: ec2.SecurityGroup;
  readonly encryptionKey: DataEncryptionKey;
  readonly engine: DatabaseEngineName;
  readonly port: number;
  /** The secret RDS manages: JSON with `username` and `password`. */
  readonly masterSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const d = DATABASE_DEFAULTS;
    const spec = ENGINES[props.engine];
    this.engine = props.engine;
    this.port = DATABASE_PORTS[props.engine];

    // Kept when the stack is deleted: the final snapshot and the backups are encrypted with it.
    this.encryptionKey = new DataEncryptionKey(this, 'Key', {
      description: 'Encrypts the app database, its snapshots, its managed master secret and Performance Insights',
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'App database: inbound only from the app tasks on the engine port; no outbound',
      allowAllOutbound: false,
    });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine: spec.engine,
      description: `App database (${props.engine}): TLS required`,
      parameters: spec.parameters,
    });
    const optionGroup = spec.auditPlugin
      ? new rds.OptionGroup(this, 'Options', {
          engine: spec.engine,
          description: 'App database: MariaDB Audit Plugin',
          // Connections and schema changes; not every query (QUERY, the plugin's default, logs the data too).
          configurations: [{ name: 'MARIADB_AUDIT_PLUGIN', settings: { SERVER_AUDIT_EVENTS: 'CONNECT,QUERY_DDL' } }],
        })
      : undefined;

    const monitoringInterval = props.monitoringInterval ?? Duration.seconds(d.monitoringIntervalSeconds);
    const performanceInsights = props.performanceInsights ?? d.performanceInsights;
    const finalSnapshot = props.finalSnapshot ?? d.finalSnapshot;
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine: spec.engine,
      instanceType: new ec2.InstanceType((props.instanceClass ?? d.instanceClass).replace(/^db\./, '')),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      publiclyAccessible: false,
      securityGroups: [this.securityGroup],
      port: this.port,
      databaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromUsername(DATABASE_MASTER_USERNAME, { encryptionKey: this.encryptionKey }),
      manageMasterUserPassword: true,
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB ?? d.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB ?? d.maxAllocatedStorageGiB,
      multiAz: props.multiAz ?? d.multiAz,
      parameterGroup,
      optionGroup,
      backupRetention: props.backupRetention ?? Duration.days(d.backupRetentionDays),
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection ?? d.deletionProtection,
      removalPolicy: finalSnapshot ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      deleteAutomatedBackups: false,
      iamAuthentication: props.iamAuthentication ?? d.iamAuthentication,
      autoMinorVersionUpgrade: true,
      cloudwatchLogsExports: spec.logExports,
      monitoringInterval: monitoringInterval.toSeconds() > 0 ? monitoringInterval : undefined,
      enablePerformanceInsights: performanceInsights,
      performanceInsightEncryptionKey: performanceInsights ? this.encryptionKey : undefined,
    });

    const cfn = this.instance.node.defaultChild as rds.CfnDBInstance;
    this.acknowledge(props.multiAz ?? d.multiAz, props.deletionProtection ?? d.deletionProtection);
    const backupDays = (props.backupRetention ?? Duration.days(d.backupRetentionDays)).toDays();
    if (backupDays < MIN_RECOMMENDED_BACKUP_DAYS) {
      Validations.of(this.instance).acknowledge({
        id: 'secure-ecs-audit::RDS-BAK-01',
        reason: `database.backupRetentionDays is ${backupDays} in the configuration (a development database, say); automated backups stay on.`,
      });
    }
    if (props.engine === 'mariadb') {
      Validations.of(this.instance).acknowledge({
        id: 'CloudFormation-Validate::E9006',
        reason:
          'EngineVersion "11.4" is a major version without a minor, as aws-cdk-lib\'s own MariaDbEngineVersion.VER_10_11 is: ' +
          "RDS creates the instance with that major version's default minor and AutoMinorVersionUpgrade keeps it current. " +
          "The validator's list names only full versions, and a pinned minor is one RDS later retires.",
      });
    }
    // With its key, so granting read on it (the container's execution role, when ECS secrets name it)
    // also grants kms:Decrypt on the key.
    this.masterSecret = secretsmanager.Secret.fromSecretAttributes(this, 'MasterSecret', {
      secretCompleteArn: cfn.attrMasterUserSecretSecretArn,
      encryptionKey: this.encryptionKey,
    });
  }

  /** The findings a deliberate setting causes, acknowledged on the instance with the reason; none otherwise. */
  private acknowledge(multiAz: boolean, deletionProtection: boolean): void {
    const defaultPort =
      "The engine's default port, so every client and driver connects without a port setting (the app gets it as DB_PORT). " +
      'A different port hides nothing from a client inside the VPC; the security group admits only the app tasks, on this port only.';
    Validations.of(this.instance).acknowledge({ id: 'AwsSolutions::AwsSolutions-RDS11', reason: defaultPort });
    Validations.of(this.instance).acknowledge({ id: 'cdk-validator-cfnguard::rds_instance_no_default_ports_check', reason: `CT.RDS.PR.20: ${defaultPort}` });
    if (!multiAz) {
      const singleAz =
        'database.multiAz is false: a standby doubles the instance cost; automated backups and the final snapshot restore the data. ' +
        'Set database.multiAz true (the default with compliance "control-tower") and this acknowledgement is no longer applied.';
      Validations.of(this.instance).acknowledge({ id: 'AwsSolutions::AwsSolutions-RDS3', reason: singleAz });
      Validations.of(this.instance).acknowledge({ id: 'secure-ecs-audit::RDS-MAZ-01', reason: singleAz });
    }
    if (!deletionProtection) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions::AwsSolutions-RDS10',
        reason:
          'database.deletionProtection is false in the configuration: the step before deleting the database on purpose ' +
          '(CloudFormation cannot delete a protected instance). database.finalSnapshot still keeps a snapshot unless it is false too.',
      });
      Validations.of(this.instance).acknowledge({
        id: 'secure-ecs-audit::RDS-DEL-01',
        reason: 'database.deletionProtection is false in the configuration: the step before deleting the database on purpose.',
      });
    }
    const monitoringRole = this.instance.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      Validations.of(monitoringRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'The enhanced monitoring role RDS documents: its managed policy lets RDS write only to the RDSOSMetrics log group ' +
          '(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html).',
      });
    }
  }

  /** Admit `client` on the engine port only; its egress to this database's security group is opened too. */
  allowFrom(client: ec2.IConnectable): void {
    this.securityGroup.connections.allowFrom(client, ec2.Port.tcp(this.port), 'App tasks to the database');
  }

  /** The host name clients connect to (a GetAtt of the instance's `Endpoint.Address`). */
  get host(): string {
    return (this.instance.node.defaultChild as rds.CfnDBInstance).attrEndpointAddress;
  }

  /** `DB_USER` and `DB_PASSWORD` as ECS secrets: fields of the managed master secret, never environment values. */
  appSecrets(): Record<string, ecs.Secret> {
    return {
      DB_USER: ecs.Secret.fromSecretsManager(this.masterSecret, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(this.masterSecret, 'password'),
    };
  }
}
