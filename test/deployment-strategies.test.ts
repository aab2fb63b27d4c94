/**
 * `service.deploymentStrategy`: what each strategy puts in the template (the service's deployment
 * configuration, the second target group, the production rule, the test listener and who may reach
 * it, the hook Lambda and its roles), and that each passes cdk-nag and the control-tower profile.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { DEPLOYMENT_STRATEGY_DEFAULTS } from '../lib/constructs/deployment-strategy';
import { TEST_LISTENER_PORT } from '../lib/constructs/traffic-shift-targets';
import { VERIFY_HOOK_TIMEOUT } from '../lib/constructs/verify-hook';
import { functionLogGroup, synth } from './helpers/synth';

const SHIFTING = ['blue-green', 'canary', 'linear'] as const;
/** A canary or linear service needs two tasks at least (lib/config/deployment-strategy-rules.ts). */
const twoTasks = { desiredCount: 2, minTasks: 2, maxTasks: 2 };

const templates = new Map<string, Template>();
/** One synthesis per strategy, shared by the tests (each runs cdk-nag and the audit plugins: it would throw on a finding). */
function templateOf(strategy: (typeof SHIFTING)[number]): Template {
  let t = templates.get(strategy);
  if (!t) {
    t = synth({ service: { deploymentStrategy: strategy, ...twoTasks } }).template;
    templates.set(strategy, t);
  }
  return t;
}

/** The hook Lambda's properties (the template's other function is aws-cdk-lib's restrictDefaultSecurityGroup provider). */
function hookFunction(t: Template): Record<string, any> {
  const fns = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) => id.includes('VerifyTestTraffic'));
  expect(fns).toHaveLength(1);
  return fns[0][1].Properties;
}

/** Every ingress rule on the test listener's port, inline in a security group or its own resource. */
function testPortIngress(t: Template): any[] {
  return [
    ...Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties),
    ...Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap((r) => r.Properties.SecurityGroupIngress ?? []),
  ].filter((rule: any) => rule.FromPort === TEST_LISTENER_PORT);
}

function serviceDeploymentConfiguration(t: Template): Record<string, any> {
  const services = Object.values(t.findResources('AWS::ECS::Service'));
  expect(services).toHaveLength(1);
  return services[0].Properties.DeploymentConfiguration;
}

test('rolling (the default) has no strategy, bake time, hook, alarms, second target group or test listener', () => {
  const { template } = synth();
  const config = serviceDeploymentConfiguration(template);
  expect(config).toEqual({
    DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    MaximumPercent: 200,
    MinimumHealthyPercent: 100,
  });
  template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
  template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
  expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.includes('VerifyTestTraffic'))).toEqual([]);
});

describe.each(SHIFTING)('%s', (strategy) => {
  test('the service deploys with the strategy, its bake time, the hook at POST_TEST_TRAFFIC_SHIFT and rollback on the deployment alarms', () => {
    const config = serviceDeploymentConfiguration(templateOf(strategy));
    const d = DEPLOYMENT_STRATEGY_DEFAULTS;
    expect(config.Strategy).toBe({ 'blue-green': 'BLUE_GREEN', canary: 'CANARY', linear: 'LINEAR' }[strategy]);
    expect(config.BakeTimeInMinutes).toBe(d.bakeTimeMinutes);
    expect(config.CanaryConfiguration).toEqual(
      strategy === 'canary' ? { CanaryPercent: d.canaryPercent, CanaryBakeTimeInMinutes: d.canaryBakeTimeMinutes } : undefined,
    );
    expect(config.LinearConfiguration).toEqual(
      strategy === 'linear' ? { StepPercent: d.linearStepPercent, StepBakeTimeInMinutes: d.linearStepBakeTimeMinutes } : undefined,
    );
    expect(config.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    expect(config.LifecycleHooks).toEqual([
      {
        HookTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/VerifyTestTrafficFunction/), 'Arn'] },
        RoleArn: expect.anything(),
        LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      },
    ]);
    // The four deployment alarms of lib/constructs/service-alarms.ts, by reference.
    expect(config.Alarms.Enable).toBe(true);
    expect(config.Alarms.Rollback).toBe(true);
    expect(config.Alarms.AlarmNames.map((n: any) => n.Ref)).toEqual([
      expect.stringMatching(/^AlarmsLoadBalancer5xx/),
      expect.stringMatching(/^AlarmsTarget5xx/),
      expect.stringMatching(/^AlarmsUnhealthyTargets/),
      expect.stringMatching(/^AlarmsP99ResponseTime/),
    ]);
  });

  test('no dependency cycle: aws-cdk-lib notes that deployment alarms may form one; these watch the load balancer and the target groups, not the service', () => {
    const resources = templateOf(strategy).toJSON().Resources as Record<string, any>;
    const references = (value: unknown, found = new Set<string>()): Set<string> => {
      if (Array.isArray(value)) value.forEach((v) => references(v, found));
      else if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) {
          if (key === 'Ref' && typeof v === 'string' && v in resources) found.add(v);
          else if (key === 'Fn::GetAtt' && Array.isArray(v) && v[0] in resources) found.add(v[0]);
          else references(v, found);
        }
      }
      return found;
    };
    const edges = new Map(Object.entries(resources).map(([id, r]) => [id, new Set([...references(r.Properties), ...[r.DependsOn ?? []].flat()])]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycleFrom = (id: string, path: string[]): string[] | undefined => {
      if (state.get(id) === 'done') return undefined;
      if (state.get(id) === 'visiting') return [...path, id];
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) {
        const cycle = cycleFrom(next, [...path, id]);
        if (cycle) return cycle;
      }
      state.set(id, 'done');
      return undefined;
    };
    expect(
      Object.keys(resources)
        .map((id) => cycleFrom(id, []))
        .find(Boolean),
    ).toBeUndefined();
  });

  test('two target groups; the production rule forwards to both (100/0), and the service names the alternate, both rules and the ECS role', () => {
    const t = templateOf(strategy);
    const groups = Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups).toHaveLength(2);
    const rules = t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(Object.keys(rules)).toHaveLength(2);
    for (const rule of Object.values(rules)) {
      expect(rule.Properties.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]);
      const forward = rule.Properties.Actions[0].ForwardConfig.TargetGroups;
      expect(forward.map((g: any) => g.Weight)).toEqual([100, 0]);
    }
    const service = Object.values(t.findResources('AWS::ECS::Service'))[0];
    const [lb] = service.Properties.LoadBalancers;
    expect(lb.AdvancedConfiguration).toEqual({
      AlternateTargetGroupArn: { Ref: expect.stringMatching(/TrafficShiftAlternate/) },
      ProductionListenerRule: { Ref: expect.stringMatching(/TrafficShiftProductionRule/) },
      TestListenerRule: { Ref: expect.stringMatching(/TrafficShiftTestRule/) },
      RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/TrafficShiftAlternateTargetRole/), 'Arn'] },
    });
    expect(lb.TargetGroupArn).toEqual({ Ref: expect.stringMatching(/TrafficShiftPrimary/) });
  });

  test('the task alarms watch both target groups (ECS moves the live revision between them at each deployment)', () => {
    const t = templateOf(strategy);
    const alarms = t.findResources('AWS::CloudWatch::Alarm');
    for (const [prefix, combine] of [
      ['AlarmsTarget5xx', 'SUM'],
      ['AlarmsUnhealthyTargets', 'SUM'],
      ['AlarmsP99ResponseTime', 'MAX'],
    ]) {
      const [, alarm] = Object.entries(alarms).find(([id]) => id.startsWith(prefix))!;
      const metrics = alarm.Properties.Metrics as any[];
      expect(metrics.find((m) => m.Expression)?.Expression).toBe(`${combine}([FILL(primary, 0), FILL(alternate, 0)])`);
      const groups = metrics
        .filter((m) => m.MetricStat)
        .map((m) => JSON.stringify(m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'TargetGroup').Value));
      expect(groups).toEqual([expect.stringMatching(/TrafficShiftPrimary/), expect.stringMatching(/TrafficShiftAlternate/)]);
    }
  });

  test('the test listener is plain HTTP on its port and admits only the NAT gateway addresses, never the internet', () => {
    const t = templateOf(strategy);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: TEST_LISTENER_PORT, Protocol: 'HTTP' });
    const onTestPort = testPortIngress(t);
    // One NAT gateway by default (network.natGateways): one rule, from its Elastic IP.
    expect(onTestPort).toEqual([
      expect.objectContaining({ CidrIp: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/PublicSubnet1EIP/), 'PublicIp'] }, '/32']] } }),
    ]);
  });

  test('the hook Lambda runs in the private subnets, may reach only the NAT addresses on the test port, and knows the test URL', () => {
    const t = templateOf(strategy);
    const fn = hookFunction(t);
    expect(fn.Timeout).toBe(VERIFY_HOOK_TIMEOUT.toSeconds());
    expect(fn.VpcConfig.SubnetIds).toEqual([{ Ref: expect.stringMatching(/PrivateSubnet1/) }, { Ref: expect.stringMatching(/PrivateSubnet2/) }]);
    expect(fn.Environment.Variables.TEST_URL).toEqual({
      'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/LoadBalancer/), 'DNSName'] }, `:${TEST_LISTENER_PORT}/`]],
    });
    const [sgRef] = fn.VpcConfig.SecurityGroupIds;
    const sg = t.findResources('AWS::EC2::SecurityGroup')[sgRef['Fn::GetAtt'][0]];
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: TEST_LISTENER_PORT, ToPort: TEST_LISTENER_PORT, CidrIp: '0.0.0.0/0' }),
    ]);
  });

  test('least privilege: ECS may invoke only this function; the function itself may only write its log and manage its VPC network interfaces', () => {
    const t = templateOf(strategy);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p) => p.Properties);
    const invoking = policies.filter((p) => JSON.stringify(p).includes('lambda:InvokeFunction'));
    expect(invoking).toHaveLength(1);
    expect(invoking[0].PolicyDocument.Statement).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        // The unqualified ARN the hook names: no version or alias wildcard.
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/VerifyTestTrafficFunction/), 'Arn'] },
      },
    ]);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'ecs.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
    const fnRoleRef = hookFunction(t).Role['Fn::GetAtt'][0];
    // No AWS managed policy (AWSLambdaBasicExecutionRole would let it write to any log group).
    expect(t.findResources('AWS::IAM::Role')[fnRoleRef].Properties.ManagedPolicyArns).toBeUndefined();
    const own = policies.filter((p) => p.Roles?.some((r: any) => r.Ref === fnRoleRef));
    expect(own).toHaveLength(1);
    expect(own[0].PolicyDocument.Statement).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/VerifyTestTrafficLogs/), 'Arn'] },
      },
      {
        Action: [
          'ec2:AssignPrivateIpAddresses',
          'ec2:CreateNetworkInterface',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
  });
});

test("the verify hook's log group is kept as break-glass's session log is: retained with the stack, its events for task.logRetentionDays", () => {
  const t = templateOf('blue-green');
  expect(functionLogGroup(t, hookFunction(t))).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { RetentionInDays: 30 } });
  expect(functionLogGroup(t, hookFunction(t)).Properties.LogGroupName).toBeUndefined();
});

test.each(SHIFTING)('%s with compliance "control-tower" passes the Control Tower controls, cdk-nag and the audit (synth would throw)', (strategy) => {
  const { template } = synth({ compliance: 'control-tower', service: { deploymentStrategy: strategy, ...twoTasks } });
  // The hook's log group is encrypted with the stack's log key and kept a year, as every other one.
  const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties);
  expect(logGroups.every((g) => g.KmsKeyId !== undefined && g.RetentionInDays >= 365)).toBe(true);
});

test('a linear deployment with a certificate: the production rule is on the HTTPS listener, and 80 still only redirects', () => {
  const { template } = synth({
    edge: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
    service: { deploymentStrategy: 'linear', ...twoTasks, linearStepPercent: 50, linearStepBakeTimeMinutes: 0, bakeTimeMinutes: 0 },
  });
  const rule = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).find((r) =>
    JSON.stringify(r.Properties.ListenerArn).includes('Https'),
  );
  expect(rule).toBeDefined();
  expect(serviceDeploymentConfiguration(template).LinearConfiguration).toEqual({ StepPercent: 50, StepBakeTimeInMinutes: 0 });
  expect(serviceDeploymentConfiguration(template).BakeTimeInMinutes).toBe(0);
});

// Blue-green has no resource property that canary and linear lack.
test.each(['canary', 'linear'] as const)(
  "%s passes CDK's built-in CloudFormation validation (the resource schemas), with a certificate and two NAT gateways",
  (strategy) => {
    // The validation unit tests skip for speed (test/helpers/setup-env.ts), as test/cfn-validation.test.ts turns it on.
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'true';
    try {
      const { template } = synth({
        network: { natGateways: 2 },
        edge: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
        service: { deploymentStrategy: strategy, ...twoTasks },
      });
      // Two NAT gateways: the test listener admits each one's address.
      expect(testPortIngress(template).map((r) => JSON.stringify(r.CidrIp))).toEqual([
        expect.stringMatching(/PublicSubnet1EIP/),
        expect.stringMatching(/PublicSubnet2EIP/),
      ]);
    } finally {
      process.env.CDK_VALIDATION = previous;
    }
  },
  120_000,
);
