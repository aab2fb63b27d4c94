import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ConfigError, validateConfig } from '../lib/config/validate-config';
import { synth } from './helpers/synth';

describe('sizing: awsvpc tasks per instance = ENIs - 1, at the deployment maximum percent', () => {
  test('the issue example is rejected, naming the settings and numbers', () => {
    const input = { service: { desiredCount: 4, minTasks: 4, maxTasks: 8 }, hosts: { maxInstances: 2 } };
    expect(() => validateConfig(input)).toThrow(ConfigError);
    expect(() => validateConfig(input)).toThrow(
      'service.maxTasks: received 8; a deployment at the deployment maximum percent (200) runs up to 16 tasks, ' +
        'but hosts.maxInstances × tasks per instance = 2 × 2 = 4 (t3.small has 3 ENIs per instance, the primary ENI counts, ' +
        'so 2 awsvpc tasks per instance); expected service.maxTasks at most 2',
    );
  });

  test('the defaults fit exactly (2 tasks at 200% on 2 × t3.small), and more instances make room', () => {
    expect(() => validateConfig({})).not.toThrow();
    expect(() => validateConfig({ service: { desiredCount: 4, minTasks: 4, maxTasks: 8 }, hosts: { maxInstances: 8 } })).not.toThrow();
    expect(() => validateConfig({ service: { maxTasks: 3 } })).toThrow(/service.maxTasks: received 3; .* runs up to 6 tasks/);
  });

  test('an instance type the project does not know is accepted with a warning, not guessed', () => {
    const warnings: string[] = [];
    validateConfig({ hosts: { instanceType: 'x2iedn.xlarge' }, service: { maxTasks: 50 } }, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining('the network interface count of x2iedn.xlarge is not known')]);
  });
});

describe('compliance "control-tower"', () => {
  test('defaults: a year of logs and two Nitro instance types', () => {
    const c = validateConfig({ compliance: 'control-tower' });
    expect(c.task.logRetentionDays).toBe(365);
    expect(c.network.flowLogRetentionDays).toBe(365);
    expect([c.hosts.instanceType, ...c.hosts.additionalInstanceTypes]).toEqual(['c6a.large', 'c6i.large']);
  });

  test.each([
    [{ compliance: 'control-tower', task: { logRetentionDays: 30 } }, 'task.logRetentionDays: received 30; expected at least 365 with compliance "control-tower" (control CT.CLOUDWATCH.PR.2)'],
    [{ compliance: 'control-tower', hosts: { instanceType: 'm6i.large' } }, 'hosts.additionalInstanceTypes: received []; expected at least one instance type besides hosts.instanceType ("m6i.large")'],
    [{ compliance: 'strict' }, 'compliance: received "strict"; expected "default" or "control-tower"'],
  ])('rejects %j', (input, message) => {
    expect(() => validateConfig(input)).toThrow(message);
  });

  test('synthesizes with the Control Tower guard rules passing (the plugin runs: synth would throw)', () => {
    const { app, template } = synth({ compliance: 'control-tower' });
    expect(() => app.synth({ force: true })).not.toThrow();
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': ['LogKeyE83D0C1B', 'Arn'] } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: require('aws-cdk-lib/assertions').Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  }, 60_000);

  test('a deliberate violation fails synth with the control id', () => {
    // GIVEN the control-tower app plus a log group kept a week, unencrypted
    const { app, stack } = synth({ compliance: 'control-tower' });
    new logs.LogGroup(stack, 'ShortLived', { retention: logs.RetentionDays.ONE_WEEK });
    // THEN
    expect(() => app.synth({ force: true })).toThrow(/CT\.CLOUDWATCH\.PR\.2[\s\S]*SecureEcsStarter\/ShortLived/);
  }, 60_000);

  test('the default profile does not run the guard rules (an open SG on 22 is only cdk-nag\'s concern)', () => {
    const { stack } = synth();
    expect(stack.logKey).toBeUndefined();
    expect(ec2).toBeDefined();
  });
});
