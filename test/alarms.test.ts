import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { RATE_LIMITED_MIN_RESPONSES, SERVICE_ALARMS_DEFAULTS } from '../lib/constructs/service-alarms';
import { validateConfig } from '../lib/config/validate-config';
import { problemsOf } from './helpers/config-problems';
import { REPO_ROOT, synth } from './helpers/synth';

// GIVEN the default configuration, and one with every alarm setting changed
const defaults = synth();
const custom = synth({
  alarms: {
    email: 'ops@example.com',
    loadBalancer5xxPerMinute: 7,
    target5xxPerMinute: 11,
    unhealthyTargets: 2,
    p99ResponseTimeMs: 250,
    rejectedConnectionsPerMinute: 3,
    rateLimitedPercent: 25,
    cpuAtCapPercent: 80,
  },
  hosts: { minInstances: 2, maxInstances: 3 },
});

const logicalId = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${ids.join(', ') || 'none'}`);
  return ids[0];
};
const topicRef = (template: Template) => ({ Ref: logicalId(template, 'AWS::SNS::Topic', 'AlarmTopic') });
/** The alarm's properties; its logical id starts with `Alarms<id>`. */
const alarm = (template: Template, id: string) =>
  template.findResources('AWS::CloudWatch::Alarm')[logicalId(template, 'AWS::CloudWatch::Alarm', `Alarms${id}`)].Properties;

describe('the alarm topic', () => {
  test('is encrypted with its own rotated key, accepts only TLS publishers, and lets CloudWatch alarms of this account publish with the key', () => {
    const { template } = defaults;
    const keyId = logicalId(template, 'AWS::KMS::Key', 'AlarmTopicKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const statements = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement as any[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
      }),
    );
    // The rules' SnsTopic targets grant EventBridge the key (aws-events-targets calls grantPublish).
    expect(statements).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('has no subscription by default; alarms.email subscribes that address', () => {
    defaults.template.resourceCountIs('AWS::SNS::Subscription', 0);
    custom.template.resourceCountIs('AWS::SNS::Subscription', 1);
    custom.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topicRef(custom.template) });
  });
});

describe('the alarms', () => {
  test('every alarm notifies the topic when it fires and when it recovers, and has actions enabled', () => {
    const alarms = Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(8);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([topicRef(defaults.template)]);
      expect(a.OKActions).toEqual([topicRef(defaults.template)]);
      expect(a.ActionsEnabled).not.toBe(false);
    }
  });

  const loadBalancer = { Dimensions: [{ Name: 'LoadBalancer', Value: expect.anything() }], Namespace: 'AWS/ApplicationELB' };
  const targetGroup = {
    Dimensions: expect.arrayContaining([
      { Name: 'TargetGroup', Value: expect.anything() },
      { Name: 'LoadBalancer', Value: expect.anything() },
    ]),
    Namespace: 'AWS/ApplicationELB',
  };
  // [alarm id, metric, statistic, comparison, default threshold, threshold from the custom settings]
  test.each([
    ['LoadBalancer5xx', { MetricName: 'HTTPCode_ELB_5XX_Count', ...loadBalancer }, 'Sum', 'GreaterThanOrEqualToThreshold', 5, 7],
    ['Target5xx', { MetricName: 'HTTPCode_Target_5XX_Count', ...targetGroup }, 'Sum', 'GreaterThanOrEqualToThreshold', 5, 11],
    ['UnhealthyTargets', { MetricName: 'UnHealthyHostCount', ...targetGroup }, 'Maximum', 'GreaterThanOrEqualToThreshold', 1, 2],
    ['P99ResponseTime', { MetricName: 'TargetResponseTime', ...targetGroup }, 'p99', 'GreaterThanThreshold', 1, 0.25],
    ['RejectedConnections', { MetricName: 'RejectedConnectionCount', ...loadBalancer }, 'Sum', 'GreaterThanOrEqualToThreshold', 1, 3],
    [
      'CpuAtCap',
      { MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Dimensions: expect.arrayContaining([expect.objectContaining({ Name: 'ServiceName' })]) },
      'Average',
      'GreaterThanOrEqualToThreshold',
      90,
      80,
    ],
  ])('%s: its metric, 3 of 5 one-minute periods, the configured threshold', (id, metric, statistic, comparison, threshold, customThreshold) => {
    const a = alarm(defaults.template, id);
    expect(a).toEqual(
      expect.objectContaining({
        ...metric,
        ...(statistic === 'p99' ? { ExtendedStatistic: 'p99' } : { Statistic: statistic }),
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        ComparisonOperator: comparison,
        Threshold: threshold,
        TreatMissingData: 'notBreaching',
      }),
    );
    expect(alarm(custom.template, id).Threshold).toBe(customThreshold);
  });

  test('the 429 share is a metric-filter ratio on the proxy log group, counted only from RATE_LIMITED_MIN_RESPONSES answers a minute', () => {
    const { template } = defaults;
    const proxyLogs = { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'TaskProxyLogs') };
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: proxyLogs,
      FilterPattern: '{ $.status = 429 }',
      MetricTransformations: [{ MetricName: 'ProxyRateLimited', MetricNamespace: 'SecureEcs/SecureEcsStarter', MetricValue: '1', DefaultValue: 0 }],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: proxyLogs,
      FilterPattern: '{ $.status >= 0 }',
      MetricTransformations: [{ MetricName: 'ProxyResponses', MetricNamespace: 'SecureEcs/SecureEcsStarter', MetricValue: '1', DefaultValue: 0 }],
    });
    const a = alarm(template, 'RateLimited');
    expect(a.Metrics[0].Expression).toBe(`IF(responses >= ${RATE_LIMITED_MIN_RESPONSES}, 100 * limited / responses, 0)`);
    expect(a.Metrics.slice(1).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName, m.MetricStat.Period, m.MetricStat.Stat])).toEqual([
      ['responses', 'ProxyResponses', 60, 'Sum'],
      ['limited', 'ProxyRateLimited', 60, 'Sum'],
    ]);
    expect(a.Threshold).toBe(SERVICE_ALARMS_DEFAULTS.rateLimitedPercent);
    expect(alarm(custom.template, 'RateLimited').Threshold).toBe(25);
  });

  test('the filters read what the proxy logs: its access log is JSON with the status as a number, and 429 for rejections', () => {
    // The log format as nginx writes it (containers/proxy/nginx.conf.template), variables filled in as
    // escape=json does for a request the rate limit rejected.
    const conf = readFileSync(path.join(REPO_ROOT, 'containers', 'proxy', 'nginx.conf.template'), 'utf8');
    const format = /log_format access_json escape=json\s+((?:'[^']*'\s*)+);/.exec(conf)![1];
    const line = [...format.matchAll(/'([^']*)'/g)]
      .map((m) => m[1])
      .join('')
      .replace(/\$(\w+)/g, (_, name: string) => (name === 'status' ? '429' : name === 'body_bytes_sent' || name === 'request_time' ? '0' : 'x'));
    const entry = JSON.parse(line);
    expect(entry.status).toBe(429);
    expect(conf).toMatch(/limit_req_status 429;/);
    expect(conf).toMatch(/limit_conn_status 429;/);
    // Every line reaches the log group, each as its own event (buffered in blocks of whole lines: nginx.conf.template).
    expect(conf).toMatch(/access_log \/dev\/stdout access_json( buffer=\d+k flush=\d+s)?;/);
  });

  test('hosts missing: fewer registered container instances than hosts.minInstances for 15 minutes, silence included', () => {
    expect(alarm(defaults.template, 'HostsMissing')).toEqual(
      expect.objectContaining({
        Namespace: 'ECS/ContainerInsights',
        MetricName: 'ContainerInstanceCount',
        Dimensions: [{ Name: 'ClusterName', Value: { Ref: logicalId(defaults.template, 'AWS::ECS::Cluster', 'Cluster') } }],
        Statistic: 'Minimum',
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
      }),
    );
    expect(alarm(custom.template, 'HostsMissing').Threshold).toBe(2);
  });

  test('the deployment alarms (for rollback) are the 5xx, unhealthy-target and p99 alarms', () => {
    const { stack } = defaults;
    const ids = stack.alarms.deploymentAlarms.map((a) => Stack.of(a).getLogicalId(a.node.defaultChild as any));
    expect(ids.map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'AlarmsLoadBalancer5xx',
      'AlarmsTarget5xx',
      'AlarmsUnhealthyTargets',
      'AlarmsP99ResponseTime',
    ]);
  });
});

describe('the failure events', () => {
  const rule = (id: string) =>
    defaults.template.findResources('AWS::Events::Rule')[logicalId(defaults.template, 'AWS::Events::Rule', `FailureEvents${id}`)].Properties;
  const serviceTasks = {
    clusterArn: [{ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] }],
    group: [{ 'Fn::Join': ['', ['service:', { 'Fn::GetAtt': [expect.stringMatching(/^WebService/), 'Name'] }]] }],
    lastStatus: ['STOPPED'],
  };

  test('each rule sends one line to the topic', () => {
    const rules = Object.values(defaults.template.findResources('AWS::Events::Rule')).map((r) => r.Properties);
    expect(rules).toHaveLength(4);
    for (const r of rules) {
      expect(r.Targets).toEqual([
        expect.objectContaining({ Arn: topicRef(defaults.template), InputTransformer: expect.objectContaining({ InputTemplate: expect.any(String) }) }),
      ]);
    }
  });

  test('container OOM kills: a stopped task of the service whose container reason is OutOfMemoryError', () => {
    expect(rule('ContainerOomKills').EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: { ...serviceTasks, containers: { reason: [{ prefix: 'OutOfMemoryError' }] } },
    });
  });

  test('tasks stopped unasked: an essential container exited, the task failed to start, or it failed its health checks', () => {
    expect(rule('UnexpectedTaskStops').EventPattern.detail).toEqual({
      ...serviceTasks,
      $or: [{ stopCode: ['EssentialContainerExited', 'TaskFailedToStart'] }, { stoppedReason: [{ prefix: 'Task failed' }] }],
    });
    expect(rule('UnexpectedTaskStops').Targets[0].InputTransformer.InputPathsMap).toEqual({
      'detail-taskArn': '$.detail.taskArn',
      'detail-stopCode': '$.detail.stopCode',
      'detail-stoppedReason': '$.detail.stoppedReason',
    });
  });

  test("hosts that report Unhealthy: the group's terminations in response to a user health-check", () => {
    expect(rule('HostsReportedUnhealthy').EventPattern).toEqual({
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Terminate Successful'],
      detail: {
        AutoScalingGroupName: [{ Ref: expect.stringMatching(/^CapacityAutoScalingGroup/) }],
        Cause: [{ wildcard: '*in response to a user health-check*' }],
      },
    });
  });

  test("hosts that report FAILURE: the group's resource in this stack fails to create or update", () => {
    const asg = logicalId(defaults.template, 'AWS::AutoScaling::AutoScalingGroup', 'CapacityAutoScalingGroup');
    expect(rule('HostsFailedDeployment').EventPattern).toEqual({
      source: ['aws.cloudformation'],
      'detail-type': ['CloudFormation Resource Status Change'],
      detail: { 'stack-id': [{ Ref: 'AWS::StackId' }], 'logical-resource-id': [asg], 'status-details': { status: ['CREATE_FAILED', 'UPDATE_FAILED'] } },
    });
  });
});

describe('the dashboard', () => {
  test('shows the state of every alarm, each alarm with its threshold, and the count of each failure event', () => {
    const { template } = defaults;
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    const ruleIds = Object.keys(template.findResources('AWS::Events::Rule'));
    // Each alarm twice: in the status widget and in its own graph.
    for (const id of alarmIds) expect(body.split(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }))).toHaveLength(3);
    for (const id of ruleIds) expect(body).toContain(JSON.stringify({ Ref: id }));
    expect(body).toContain('\\"type\\":\\"alarm\\"');
    expect(body.match(/MatchedEvents/g)).toHaveLength(ruleIds.length);
  });
});

describe('network.natAvailabilityMode', () => {
  test('zonal (the default) keeps network.natGateways zonal gateways in public subnets', () => {
    defaults.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    defaults.template.hasResourceProperties('AWS::EC2::NatGateway', { SubnetId: Match.anyValue(), AvailabilityMode: Match.absent() });
  });

  test('regional: one NAT gateway of the VPC, in no subnet, that every private subnet routes to', () => {
    const { template } = synth({ network: { maxAzs: 3, natAvailabilityMode: 'regional' } });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const [natId, nat] = Object.entries(template.findResources('AWS::EC2::NatGateway'))[0];
    expect(nat.Properties).toEqual(expect.objectContaining({ AvailabilityMode: 'regional', VpcId: { Ref: expect.stringMatching(/^NetworkVpc/) } }));
    expect(nat.Properties.SubnetId).toBeUndefined();
    const defaultRoutes = Object.values(template.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } })).map((r) => r.Properties);
    expect(defaultRoutes).toHaveLength(3);
    for (const route of defaultRoutes)
      expect(route).toEqual(expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { 'Fn::GetAtt': [natId, 'NatGatewayId'] } }));
  });
});

describe('validation', () => {
  test('the defaults are the constructs’ own', () => {
    const { alarms, network } = validateConfig({});
    expect(alarms).toEqual({ ...SERVICE_ALARMS_DEFAULTS });
    expect(network.natAvailabilityMode).toBe('zonal');
  });

  test.each([
    [{ alarms: { email: 'ops' } }, 'alarms.email: received "ops"; expected an e-mail address such as ops@example.com'],
    [
      { alarms: { email: 'ops@example.com\nBcc: x@y.z' } },
      'alarms.email: received "ops@example.com\\nBcc: x@y.z"; expected an e-mail address such as ops@example.com',
    ],
    [{ alarms: { email: `${'a'.repeat(250)}@b.io` } }, 'alarms.email: received "aaaa'],
    [{ alarms: { loadBalancer5xxPerMinute: 0 } }, 'alarms.loadBalancer5xxPerMinute: received 0; expected an integer from 1 to 100000'],
    [{ alarms: { target5xxPerMinute: 1.5 } }, 'alarms.target5xxPerMinute: received 1.5; expected an integer from 1 to 100000'],
    [{ alarms: { unhealthyTargets: 101 } }, 'alarms.unhealthyTargets: received 101; expected an integer from 1 to 100'],
    [{ alarms: { p99ResponseTimeMs: 5 } }, 'alarms.p99ResponseTimeMs: received 5; expected an integer from 10 to 60000'],
    [{ alarms: { rejectedConnectionsPerMinute: '1' } }, 'alarms.rejectedConnectionsPerMinute: received "1"; expected an integer from 1 to 100000'],
    [{ alarms: { rateLimitedPercent: 0 } }, 'alarms.rateLimitedPercent: received 0; expected an integer from 1 to 100'],
    [{ alarms: { cpuAtCapPercent: 101 } }, 'alarms.cpuAtCapPercent: received 101; expected an integer from 10 to 100'],
    [{ alarms: { p99: 1 } }, 'alarms.p99: unknown setting'],
    [{ network: { natAvailabilityMode: 'multi-az' } }, 'network.natAvailabilityMode: received "multi-az"; expected "zonal" or "regional"'],
    [
      { network: { natAvailabilityMode: 'regional', natGateways: 2 } },
      'network.natGateways: received 2 with network.natAvailabilityMode "regional"; expected 1 (a regional NAT gateway is one gateway that serves every AZ)',
    ],
  ])('%j fails naming the setting, the value and what is allowed', (input, message) => {
    const problems = problemsOf(() => validateConfig(input));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});
