import { Match } from 'aws-cdk-lib/assertions';
import { synth } from './helpers/synth';

// GIVEN the default configuration
const { template } = synth();

describe('network', () => {
  test('spans two AZs with public subnets for the ALB and private subnets with one NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.0.0.0/26', MapPublicIpOnLaunch: false });
  });

  test('logs all VPC flows', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL' });
  });
});

describe('cluster and hosts', () => {
  test('the cluster has Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('instances use the ECS-optimized AL2023 AMI from the public SSM parameter', () => {
    const params = template.toJSON().Parameters as Record<string, { Default?: string }>;
    expect(Object.values(params).map((p) => p.Default)).toContain('/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id');
  });

  test('the launch template requires IMDSv2 with hop limit 1, encrypts a gp3 root, has no key pair and no public IP', () => {
    const lt = Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData;
    expect(lt.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(lt.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 30, VolumeType: 'gp3', DeleteOnTermination: true } },
    ]);
    expect(lt.KeyName).toBeUndefined();
    expect(lt.NetworkInterfaces).toEqual([expect.objectContaining({ AssociatePublicIpAddress: false, DeviceIndex: 0 })]);
    expect(lt.Monitoring).toEqual({ Enabled: true });
  });

  test('instances live in private subnets', () => {
    const asg = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'))[0].Properties;
    const privateSubnetIds = Object.entries(template.findResources('AWS::EC2::Subnet'))
      .filter(([, s]) => !s.Properties.MapPublicIpOnLaunch && s.Properties.Tags.some((t: any) => t.Value === 'Private'))
      .map(([id]) => id);
    expect(asg.VPCZoneIdentifier.map((r: { Ref: string }) => r.Ref).sort()).toEqual(privateSubnetIds.sort());
  });

  test('the capacity provider scales the ASG and does not protect instances (cdk destroy must not hang)', () => {
    template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({
        ManagedScaling: Match.objectLike({ Status: 'ENABLED', TargetCapacity: 100 }),
        ManagedTerminationProtection: 'DISABLED',
      }),
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { NewInstancesProtectedFromScaleIn: false });
  });

  test('no legacy Lambda drain hook: the only function is the one that closes the default security group', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSGCustomResourceProvider/)]);
    // The drain hook's topic would be a second one: the only topic is the alarms' (lib/constructs/alarm-topic.ts).
    expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toEqual([expect.stringMatching(/^AlarmTopic/)]);
    template.resourceCountIs('AWS::AutoScaling::LifecycleHook', 0);
  });

  test('the VPC default security group is closed', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('instances get Session Manager instead of SSH', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/AmazonSSMManagedInstanceCore'])] })],
    });
  });
});

describe('service', () => {
  const service = () => Object.values(template.findResources('AWS::ECS::Service'))[0].Properties;

  test('runs on the capacity provider with circuit breaker and rollback', () => {
    expect(service().DeploymentConfiguration).toEqual({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      MaximumPercent: 200,
      MinimumHealthyPercent: 100,
    });
    expect(service().CapacityProviderStrategy).toEqual([{ CapacityProvider: expect.anything(), Weight: 1 }]);
    expect(service().LaunchType).toBeUndefined();
  });

  test('spreads tasks over AZs, assigns no public IP and disables ECS Exec', () => {
    expect(service().PlacementStrategies).toEqual([{ Field: 'attribute:ecs.availability-zone', Type: 'spread' }]);
    expect(service().NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    expect(service().EnableExecuteCommand).toBe(false);
  });

  test('scales between the configured bounds on CPU', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 2 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
    });
  });

  test('the task security group admits only the ALB, only on 8080, and allows no egress', () => {
    const sgs = template.findResources('AWS::EC2::SecurityGroup');
    const [taskSgId, taskSg] = Object.entries(sgs).find(([, sg]) => /^Web tasks/.test(sg.Properties.GroupDescription))!;
    expect(taskSg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    expect(taskSg.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) => r.Properties.GroupId['Fn::GetAtt']?.[0] === taskSgId);
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toEqual(
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: expect.anything() }),
    );
  });

  test('the ALB health check uses the unlimited /healthz path on 8080', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
      Matcher: { HttpCode: '200' },
    });
  });
});

describe('load balancer', () => {
  const attributes = () =>
    Object.fromEntries(
      (Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties.LoadBalancerAttributes as any[]).map((a) => [
        a.Key,
        a.Value,
      ]),
    );

  test('is internet-facing in the public subnets', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', Type: 'application' });
  });

  test('drops invalid header fields, mitigates desync defensively, appends X-Forwarded-For, logs access', () => {
    expect(attributes()).toEqual(
      expect.objectContaining({
        'routing.http.drop_invalid_header_fields.enabled': 'true',
        'routing.http.desync_mitigation_mode': 'defensive',
        'routing.http.xff_header_processing.mode': 'append',
        'access_logs.s3.enabled': 'true',
      }),
    );
  });

  test('the access log bucket is encrypted, private and TLS-only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
  });

  test('serves HTTP on 80 when no certificate is configured, and has no WAF by default', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('with a certificate: HTTPS on 443 with a modern TLS policy, and 80 redirects', () => {
    const { template: t } = synth({
      edge: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234' },
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443', Protocol: 'HTTPS' }) })],
    });
  });

  test('with enableWaf: a web ACL with a per-IP rate-based rule, associated with the ALB', () => {
    const { template: t } = synth({ edge: { enableWaf: true, wafRequestsPer5Minutes: 500 } });
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: [Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: Match.objectLike({ Limit: 500, AggregateKeyType: 'IP' }) } })],
    });
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('outputs', () => {
  test('URL, cluster, service, log groups, alarm topic and dashboard', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      ['AlarmTopicArn', 'AppLogGroup', 'ClusterName', 'DashboardName', 'ProxyLogGroup', 'ServiceName', 'Url'].sort(),
    );
  });
});

test('the whole template matches the reviewed snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});

describe('deployments fail loudly', () => {
  test('the ASG waits for each new instance to signal, on create and on rolling update', () => {
    const [asg] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(asg.CreationPolicy).toEqual({ ResourceSignal: { Count: 1, Timeout: 'PT15M' } });
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toEqual(expect.objectContaining({ WaitOnResourceSignals: true, PauseTime: 'PT15M' }));
  });

  test("instances may signal this stack and mark only this stack's group unhealthy", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          { Action: 'cloudformation:SignalResource', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
          Match.objectLike({
            Action: 'autoscaling:SetInstanceHealth',
            Condition: { StringEquals: { 'autoscaling:ResourceTag/aws:cloudformation:stack-name': 'SecureEcsStarter' } },
          }),
        ]),
      }),
    });
  });

  test('the service waits for the capacity-provider association (aws/containers-roadmap#631)', () => {
    const [associationId] = Object.keys(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
    const [service] = Object.values(template.findResources('AWS::ECS::Service'));
    expect(service.DependsOn).toContain(associationId);
  });
});
