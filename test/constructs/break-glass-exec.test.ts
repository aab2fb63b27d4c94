/**
 * Break-glass ECS Exec (ecsExec.enabled): off, the template has none of it (test/stack.test.ts keeps
 * the default template byte-identical); on, the whole app (cdk-nag, the audit plugin, and with
 * compliance "control-tower" the guard rules) still synthesizes, and the audit reports the exec.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { acknowledgementsFromAssembly } from '../../lib/audit/assembly-acknowledgements';
import { type AuditResult, runAudit } from '../../lib/audit/engine';
import { loadCloudFormation } from '../../lib/audit/sources/cloudformation';
import { EXEC_AGENT_DATA_PATH } from '../../lib/constructs/break-glass-exec';
import { translateTask } from '../../lib/local/translate/task';
import { containerDefinitions, synth, type Synthesized } from '../helpers/synth';

const ON = { ecsExec: { enabled: true } };
let on: Synthesized;
let audit: AuditResult;
beforeAll(() => {
  // Each synth runs every validation plugin: it would throw on an unacknowledged nag or audit error.
  on = synth(ON, { pathMetadata: true });
  const dir = on.assembly.directory;
  audit = runAudit(loadCloudFormation(dir), { acknowledgements: acknowledgementsFromAssembly(dir), failOn: 'medium' });
}, 120_000);

const tmpfsPaths = (template: Template) =>
  Object.fromEntries(Object.entries(containerDefinitions(template)).map(([name, c]) => [name, c.LinuxParameters.Tmpfs.map((t: any) => t.ContainerPath)]));

test('off by default: no exec configuration, no exec, no agent tmpfs, no task role policy', () => {
  const { template } = synth();
  template.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: false });
  template.hasResourceProperties('AWS::ECS::Cluster', { Configuration: Match.absent() });
  for (const paths of Object.values(tmpfsPaths(template))) expect(paths).toEqual(['/tmp']);
  expect(Object.keys(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('TaskRole') } }))).toEqual([]);
});

test('on: the cluster encrypts sessions with their own key and logs every session to a KMS-encrypted log group that outlives the setting', () => {
  const t = on.template;
  // The session log group: the one of break-glass's construct (the app's, proxy's and flow logs are retained too).
  const [logGroupId] = Object.keys(t.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.absent() } })).filter((id) =>
    id.startsWith('BreakGlassExecSessionLogs'),
  );
  const [keyId] = Object.keys(t.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('ECS Exec') } }));
  t.hasResourceProperties('AWS::ECS::Cluster', {
    Configuration: {
      ExecuteCommandConfiguration: {
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Logging: 'OVERRIDE',
        LogConfiguration: { CloudWatchLogGroupName: { Ref: logGroupId }, CloudWatchEncryptionEnabled: true },
      },
    },
  });
  const logGroup = t.toJSON().Resources[logGroupId];
  expect([logGroup.DeletionPolicy, logGroup.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  expect(logGroup.Properties.KmsKeyId).toBeDefined();
  expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
  t.hasResourceProperties('AWS::KMS::Key', { Description: Match.stringLikeRegexp('ECS Exec'), EnableKeyRotation: true });
  // The log group's key lets CloudWatch Logs use it (logs.<region>.amazonaws.com, this account's log groups).
  const logKey = t.toJSON().Resources[logGroup.Properties.KmsKeyId['Fn::GetAtt'][0]];
  expect(JSON.stringify(logKey.Properties.KeyPolicy)).toContain('logs.eu-west-1.amazonaws.com');
  expect(t.toJSON().Outputs.ExecSessionLogGroup.Value).toEqual({ Ref: logGroupId });
  expect(t.toJSON().Outputs.ExecSessionKeyArn.Value).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
});

test('on: the service has ECS Exec, and the task role exactly the channels, the session log and the session key', () => {
  const t = on.template;
  t.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: true });
  const policies = Object.values<any>(t.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('TaskRole') } }));
  expect(policies).toHaveLength(1);
  const statements = policies[0].Properties.PolicyDocument.Statement.map((s: any) => [s.Sid, s.Action, typeof s.Resource === 'string' ? s.Resource : 'named']);
  expect(statements).toEqual([
    [
      'ExecSessionChannels',
      ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      '*',
    ],
    ['ExecFindSessionLogGroup', 'logs:DescribeLogGroups', '*'],
    ['ExecWriteSessionLog', ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], 'named'],
    ['ExecDecryptSession', 'kms:Decrypt', 'named'],
  ]);
});

test("on: each container gets a noexec tmpfs for the SSM agent's data, and none where the ECS agent bind-mounts its logs", () => {
  for (const [name, paths] of Object.entries(tmpfsPaths(on.template))) {
    expect([name, paths]).toEqual([name, ['/tmp', EXEC_AGENT_DATA_PATH]]);
  }
  for (const c of Object.values<any>(containerDefinitions(on.template))) {
    expect(c.ReadonlyRootFilesystem).toBe(true);
    expect(c.LinuxParameters.Tmpfs[1]).toEqual({
      ContainerPath: '/var/lib/amazon/ssm',
      Size: 32,
      MountOptions: ['rw', 'noexec', 'nosuid', 'nodev', 'mode=0700'],
    });
  }
});

test('on: `secure-ecs local` runs the same task, the agent tmpfs as one more --tmpfs (no agent starts locally)', () => {
  const props = Object.values<any>(on.template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
  const images = Object.fromEntries(props.ContainerDefinitions.map((d: any) => [d.Name, { ref: 'localhost/i:1', origin: 'test' }]));
  const t = translateTask(props, { taskName: 'task', labelKey: 'secure-ecs.local', images, hostPorts: { 8080: 18080 } });
  for (const c of t.containers) {
    expect(c.spec.tmpfs[EXEC_AGENT_DATA_PATH]).toEqual(['rw', 'noexec', 'nosuid', 'nodev', 'mode=0700', 'size=32m']);
    expect(c.spec.readOnlyRootfs).toBe(true);
  }
  expect(t.fields.filter((f) => f.path.endsWith('LinuxParameters.Tmpfs')).map((f) => f.outcome)).toEqual(['honoured', 'honoured']);
});

test('on: the tasks may reach HTTPS (the agent talks from the task ENI), once also with egress.internetHttps', () => {
  const egress = (t: Template) => Object.values<any>(t.findResources('AWS::EC2::SecurityGroup')).flatMap((sg) => sg.Properties.SecurityGroupEgress ?? []);
  const https = (t: Template) => egress(t).filter((e: any) => e.CidrIp === '0.0.0.0/0' && e.FromPort === 443);
  expect(https(on.template)).toHaveLength(1);
  expect(https(synth({ ...ON, egress: { internetHttps: true } }).template)).toHaveLength(1);
});

test('on: the audit reports ECS Exec (SVC-EXEC-01), acknowledged as the break-glass it is, and nothing else is open', () => {
  const exec = audit.findings.filter((f) => f.ruleId === 'SVC-EXEC-01');
  expect(exec).toHaveLength(1);
  expect(exec[0]).toMatchObject({ severity: 'medium', acknowledged: true });
  expect(exec[0].reason).toMatch(/ecsExec\.enabled/);
  expect(audit.findings.filter((f) => f.ruleId === 'CL-EXEC-01')).toEqual([]);
  expect(audit.summary.failed).toBe(false);
  expect(audit.summary.unusedAcknowledgements).toEqual([]);
});

test('on, with compliance "control-tower": cdk-nag, the audit and the Control Tower guard rules pass', () => {
  expect(() => synth({ ...ON, compliance: 'control-tower' })).not.toThrow();
});
