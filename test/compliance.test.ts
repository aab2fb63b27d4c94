import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CONTROL_TOWER_PLUGIN_NAME, controlTowerControls, controlTowerPlugin } from '../lib/compliance/control-tower-plugin';
import { validateConfig } from '../lib/config/validate-config';
import { SecureEcsStack } from '../lib/secure-ecs-stack';
import { cdkJsonContext, type Defined, define, REPO_ROOT } from './helpers/synth';

/** Control id (CT.S3.PR.2) of each guard rule name (s3_bucket_logging_enabled_check). */
const CONTROL_OF_RULE = new Map(controlTowerControls().map((c) => [c.ruleName, c.id]));

/** The Control Tower controls acknowledged anywhere in the construct tree. */
function acknowledgedControls(stack: Stack): string[] {
  const prefix = `${CONTROL_TOWER_PLUGIN_NAME}::`;
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.keys(m.data as Record<string, string>))
    .filter((id) => id.startsWith(prefix))
    .map((id) => CONTROL_OF_RULE.get(id.slice(prefix.length)) ?? id)
    .sort();
}

/** The control ids in the first column of the table under a README heading. */
function readmeControls(heading: string): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const section = readme.slice(start + heading.length + 2).split(/\n#{2,3} /)[0];
  return [...section.matchAll(/^\| `(CT\.[A-Z0-9.]+)` \|/gm)].map((m) => m[1]).sort();
}

/** The controls the guard plugin reports on an app's synthesized templates, with nothing acknowledged. */
function failedControls(app: App): string[] {
  const assembly = app.synth();
  // The guard plugin reads only templatePaths; the rest of the context is for plugins that walk the tree.
  const report = controlTowerPlugin().validate({
    templatePaths: assembly.stacks.map((s) => path.join(assembly.directory, s.templateFile)),
    stackTemplates: [],
    appConstruct: app,
  });
  return [...new Set(report.violations.map((v) => CONTROL_OF_RULE.get(v.ruleName) ?? v.ruleName))].sort();
}

// One full control-tower app (nag, audit and guard plugins, as bin/app.ts) synthesized once for the
// whole file: every synthesis runs the plugins, and they are the slow part.
let ct: Defined & { template: Template };
let ctSynthError: unknown;
beforeAll(() => {
  const defined = define({ compliance: 'control-tower' });
  try {
    const assembly = defined.app.synth();
    ct = { ...defined, template: Template.fromJSON(assembly.getStackArtifact(defined.stack.artifactId).template) };
  } catch (e) {
    ctSynthError = e;
  }
}, 60_000);

describe('compliance "control-tower" settings', () => {
  test('defaults: a year of logs and two Nitro instance types', () => {
    const c = validateConfig({ compliance: 'control-tower' });
    expect(c.task.logRetentionDays).toBe(365);
    expect(c.network.flowLogRetentionDays).toBe(365);
    expect([c.hosts.instanceType, ...c.hosts.additionalInstanceTypes]).toEqual(['c6a.large', 'c6i.large']);
  });

  test.each([
    [
      { compliance: 'control-tower', task: { logRetentionDays: 30 } },
      'task.logRetentionDays: received 30; expected at least 365 with compliance "control-tower" (control CT.CLOUDWATCH.PR.2)',
    ],
    [
      { compliance: 'control-tower', hosts: { instanceType: 'm6i.large' } },
      'hosts.additionalInstanceTypes: received []; expected at least one instance type besides hosts.instanceType ("m6i.large")',
    ],
    [{ compliance: 'strict' }, 'compliance: received "strict"; expected "default" or "control-tower"'],
  ])('rejects %j', (input, message) => {
    expect(() => validateConfig(input)).toThrow(message);
  });
});

describe('compliance "control-tower"', () => {
  test('synth passes with the Control Tower guard rules (the plugin runs: synth would throw)', () => {
    expect(ctSynthError).toBeUndefined();
  });

  test('log groups keep a year and use the customer managed key', () => {
    const groups = Object.values(ct.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      expect(g.Properties).toEqual(expect.objectContaining({ RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': ['LogKeyE83D0C1B', 'Arn'] } }));
    }
  });

  test('the load balancer has deletion protection; the group names its AZs and launches two Nitro types', () => {
    ct.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    ct.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AvailabilityZones: Match.anyValue(),
      MixedInstancesPolicy: Match.objectLike({
        LaunchTemplate: Match.objectLike({ Overrides: [{ InstanceType: 'c6a.large' }, { InstanceType: 'c6i.large' }] }),
      }),
    });
  });

  test('both log buckets are versioned, object-locked and notify EventBridge; the access logs are logged to the KMS one', () => {
    const buckets = ct.template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const b of Object.values(buckets)) {
      expect(b.Properties).toEqual(
        expect.objectContaining({
          VersioningConfiguration: { Status: 'Enabled' },
          ObjectLockEnabled: true,
          NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        }),
      );
    }
    const [serverLogsId] = Object.keys(buckets).filter((id) => id.includes('ServerAccessLogs'));
    const access = Object.entries(buckets).find(([id]) => id !== serverLogsId)![1];
    expect(access.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: serverLogsId } });
    expect(buckets[serverLogsId].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
  });

  test('the acknowledged controls are exactly those README "Acknowledged exceptions" lists', () => {
    expect(acknowledgedControls(ct.stack)).toEqual(['CT.ELASTICLOADBALANCING.PR.1', 'CT.LAMBDA.PR.3', 'CT.S3.PR.10', 'CT.S3.PR.2']);
    expect(readmeControls('### Acknowledged exceptions')).toEqual(acknowledgedControls(ct.stack));
  });

  test('with edge.certificateArn the HTTP-redirect control is no longer acknowledged', () => {
    // GIVEN a certificate (the stack only: no synth is needed to read acknowledgements)
    const app = new App({ context: cdkJsonContext() });
    const config = validateConfig({
      region: 'eu-west-1',
      compliance: 'control-tower',
      edge: { certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc' },
    });
    // WHEN
    const stack = new SecureEcsStack(app, 'WithTls', { config, env: { region: 'eu-west-1' } });
    // THEN
    expect(acknowledgedControls(stack)).not.toContain('CT.ELASTICLOADBALANCING.PR.1');
    expect(acknowledgedControls(stack)).toHaveLength(3);
  });
});

/** A small app with the guard plugin and one week-long, unencrypted log group acknowledged for both controls. */
function smallAppWithAcknowledgedLogGroup(): { app: App; stack: Stack } {
  const app = new App();
  Validations.of(app).addPlugins(controlTowerPlugin());
  const stack = new Stack(app, 'Small');
  const acknowledged = new logs.LogGroup(stack, 'Acknowledged', { retention: logs.RetentionDays.ONE_WEEK });
  for (const rule of ['cloudwatch_log_group_retention_period_check', 'cloudwatch_log_group_encrypted_check']) {
    Validations.of(acknowledged).acknowledge({ id: `${CONTROL_TOWER_PLUGIN_NAME}::${rule}`, reason: 'test' });
  }
  return { app, stack };
}

describe('the guard plugin', () => {
  test('acknowledged violations alone do not fail synth', () => {
    const { app } = smallAppWithAcknowledgedLogGroup();
    expect(() => app.synth()).not.toThrow();
  });

  test('an unacknowledged violation fails synth with the control id, even when the app acknowledges another', () => {
    // GIVEN an acknowledgement in the app: CDK then recomputes success from "error" severities
    // (aws-cdk-lib synthesis-validation collectSuppressions), so this fails only because the
    // plugin raises every violation to an error.
    const { app, stack } = smallAppWithAcknowledgedLogGroup();
    // WHEN
    new logs.LogGroup(stack, 'ShortLived', { retention: logs.RetentionDays.ONE_WEEK });
    // THEN
    expect(() => app.synth()).toThrow(/CT\.CLOUDWATCH\.PR\.2[\s\S]*Small\/ShortLived/);
  });
});

describe('compliance "default"', () => {
  test('the controls the defaults fail are exactly those README "Controls the default profile fails" lists', () => {
    // GIVEN the default stack without any plugin (the guard is run by hand, so nothing is acknowledged)
    const app = new App({ context: cdkJsonContext() });
    const stack = new SecureEcsStack(app, 'Default', { config: validateConfig({ region: 'eu-west-1' }), env: { region: 'eu-west-1' } });
    expect(stack.logKey).toBeUndefined();
    // WHEN
    const failed = failedControls(app);
    // THEN
    expect(failed).toHaveLength(12);
    expect(readmeControls('### Controls the `default` profile fails')).toEqual(failed);
  }, 30_000);
});
