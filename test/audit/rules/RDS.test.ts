/** RDS DB instances (RDS-*): compliant, non-compliant and not applicable, from templates. */
import { templateModel } from '../helpers/models';
import { type Cases, ruleSuite } from './harness';
import { onlyTemplate } from './platform-models';

type Props = Record<string, unknown>;

/** What this project's Database construct writes (lib/constructs/database.ts): every rule passes. */
const GOOD: Props = {
  Engine: 'postgres',
  StorageEncrypted: true,
  KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] },
  PubliclyAccessible: false,
  BackupRetentionPeriod: 7,
  DeletionProtection: true,
  ManageMasterUserPassword: true,
  EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
  AutoMinorVersionUpgrade: true,
  MultiAZ: true,
  DBParameterGroupName: { Ref: 'Params' },
};

/** One instance with `props` over {@link GOOD} (undefined removes a property), and its parameter group. */
function db(props: Props = {}, parameters: Props = { 'rds.force_ssl': '1' }) {
  const merged = Object.fromEntries(Object.entries({ ...GOOD, ...props }).filter(([, v]) => v !== undefined));
  return () =>
    templateModel({
      Db: { Type: 'AWS::RDS::DBInstance', Properties: merged },
      Params: { Type: 'AWS::RDS::DBParameterGroup', Properties: { Family: 'postgres17', Description: 'p', Parameters: parameters } },
    });
}
const mariadb = (parameters: Props, props: Props = {}) => db({ Engine: 'mariadb', ...props }, parameters);
const auroraMember = db({ DBClusterIdentifier: { Ref: 'Cluster' }, Engine: 'aurora-postgresql', StorageEncrypted: undefined, MultiAZ: undefined });
const notApplicable: Cases['notApplicable'] = [...onlyTemplate, ['template: an Aurora cluster member (the cluster holds it)', auroraMember]];

const CASES: Record<string, Cases> = {
  'RDS-ENC-01': {
    field: /StorageEncrypted/,
    compliant: [
      ['template: encrypted', db()],
      ['template: unknown (Fn::If)', db({ StorageEncrypted: { 'Fn::If': ['C', true, false] } })],
    ],
    nonCompliant: [
      ['template: unset', db({ StorageEncrypted: undefined })],
      ['template: "false"', db({ StorageEncrypted: 'false' })],
    ],
    notApplicable,
  },
  'RDS-PUB-01': {
    field: /PubliclyAccessible/,
    compliant: [
      ['template: false', db()],
      ['template: unset', db({ PubliclyAccessible: undefined })],
    ],
    nonCompliant: [
      ['template: true', db({ PubliclyAccessible: true })],
      ['template: "true"', db({ PubliclyAccessible: 'true' })],
    ],
    notApplicable: onlyTemplate,
  },
  'RDS-TLS-01': {
    field: /require_secure_transport|rds\.force_ssl/,
    compliant: [
      ['template: postgres rds.force_ssl 1', db()],
      ['template: mariadb require_secure_transport 1', mariadb({ require_secure_transport: '1' })],
      ['template: mysql require_secure_transport ON', mariadb({ require_secure_transport: 'ON' }, { Engine: 'mysql' })],
      ['template: a group the template does not define (unknown)', db({ DBParameterGroupName: 'existing-group' })],
    ],
    nonCompliant: [
      ['template: postgres rds.force_ssl 0', db({}, { 'rds.force_ssl': '0' })],
      ['template: mariadb group without the parameter', mariadb({ max_connections: '100' })],
      ['template: the default group (no DBParameterGroupName)', db({ DBParameterGroupName: undefined })],
    ],
    notApplicable: [...notApplicable, ['template: SQL Server', db({ Engine: 'sqlserver-ex' })]],
  },
  'RDS-AUTH-01': {
    field: /MasterUserPassword/,
    compliant: [
      ['template: managed by RDS', db()],
      [
        'template: dynamic reference (as CDK writes it)',
        db({
          ManageMasterUserPassword: undefined,
          MasterUserPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'S' }, ':SecretString:password::}}']] },
        }),
      ],
      [
        'template: parameter with IAM authentication',
        db({ ManageMasterUserPassword: undefined, MasterUserPassword: { Ref: 'Pw' }, EnableIAMDatabaseAuthentication: true }),
      ],
    ],
    nonCompliant: [
      ['template: literal', db({ ManageMasterUserPassword: undefined, MasterUserPassword: 'hunter22' })],
      [
        'template: literal even with IAM authentication',
        db({ ManageMasterUserPassword: undefined, MasterUserPassword: 'hunter22', EnableIAMDatabaseAuthentication: true }),
      ],
      ['template: from a parameter', db({ ManageMasterUserPassword: undefined, MasterUserPassword: { Ref: 'Pw' } })],
    ],
    notApplicable,
  },
  'RDS-BAK-01': {
    field: /BackupRetentionPeriod/,
    compliant: [
      ['template: 7 days', db()],
      ['template: 35 days', db({ BackupRetentionPeriod: '35' })],
    ],
    nonCompliant: [
      ['template: 0 (off)', db({ BackupRetentionPeriod: 0 })],
      ['template: unset (1 day)', db({ BackupRetentionPeriod: undefined })],
      ['template: 3', db({ BackupRetentionPeriod: 3 })],
    ],
    notApplicable,
  },
  'RDS-DEL-01': {
    field: /DeletionProtection/,
    compliant: [['template: true', db()]],
    nonCompliant: [
      ['template: unset', db({ DeletionProtection: undefined })],
      ['template: false', db({ DeletionProtection: false })],
    ],
    notApplicable,
  },
  'RDS-LOG-01': {
    field: /EnableCloudwatchLogsExports/,
    compliant: [
      ['template: exported', db()],
      ['template: unknown list', db({ EnableCloudwatchLogsExports: { 'Fn::If': ['C', ['error'], []] } })],
    ],
    nonCompliant: [
      ['template: unset', db({ EnableCloudwatchLogsExports: undefined })],
      ['template: empty', db({ EnableCloudwatchLogsExports: [] })],
    ],
    notApplicable,
  },
  'RDS-UPG-01': {
    field: /AutoMinorVersionUpgrade/,
    compliant: [
      ['template: true', db()],
      ['template: unset (true)', db({ AutoMinorVersionUpgrade: undefined })],
    ],
    nonCompliant: [['template: false', db({ AutoMinorVersionUpgrade: false })]],
    notApplicable: onlyTemplate,
  },
  'RDS-MAZ-01': {
    field: /MultiAZ/,
    compliant: [['template: true', db()]],
    nonCompliant: [
      ['template: unset', db({ MultiAZ: undefined })],
      ['template: false', db({ MultiAZ: false })],
    ],
    notApplicable,
  },
};

ruleSuite(['RDS'], CASES);
