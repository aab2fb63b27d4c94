import { Template, Match } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Duration } from 'aws-cdk-lib';
import { DEFAULT_HEALTH_CHECK_PATH } from '../../lib/constructs/app-shape';
import { WebService, type WebServiceProps } from '../../lib/constructs/web-service';
import { freshStack } from '../helpers/fresh-stack';

/**
 * A fresh stack with what the service needs from others, built from aws-cdk-lib alone (not this
 * project's constructs): a cluster with an ASG capacity provider, an awsvpc task whose `web`
 * container maps 9090, and an HTTP listener. Then the service with `props`.
 */
function build(props: Partial<WebServiceProps> = {}) {
  const stack = freshStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc,
    instanceType: new ec2.InstanceType('t3.small'),
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
  });
  const capacityProvider = new ecs.AsgCapacityProvider(stack, 'CapacityProvider', { autoScalingGroup, enableManagedTerminationProtection: false });
  cluster.addAsgCapacityProvider(capacityProvider);
  const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'Task', { networkMode: ecs.NetworkMode.AWS_VPC });
  const targetContainer = taskDefinition.addContainer('web', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
    memoryLimitMiB: 128,
    portMappings: [{ containerPort: 9090 }],
  });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const listener = alb.addListener('Http', { port: 80, open: true });
  const web = new WebService(stack, 'Web', { cluster, taskDefinition, targetContainer, capacityProvider, listener, ...props });
  return { stack, web, alb, template: Template.fromStack(stack) };
}

describe('WebService', () => {
  describe('defaults', () => {
    // GIVEN cluster, capacity provider, task and listener; WHEN the service has only them
    const { stack, web, alb, template } = build();

    test('one task on the capacity provider, private, no ECS Exec, rolled back by the circuit breaker, spread over AZs, 100-200 %', () => {
      template.hasResourceProperties('AWS::ECS::Service', {
        DesiredCount: 1,
        CapacityProviderStrategy: [{ CapacityProvider: { Ref: Match.stringLikeRegexp('^CapacityProvider') }, Weight: 1 }],
        EnableExecuteCommand: false,
        NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
        DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
        PlacementStrategies: [{ Type: 'spread', Field: 'attribute:ecs.availability-zone' }],
        PropagateTags: 'SERVICE',
        HealthCheckGracePeriodSeconds: 60,
      });
    });

    test("waits for the cluster's capacity-provider association (aws/containers-roadmap#631)", () => {
      const [association] = Object.keys(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
      const [service] = Object.values(template.findResources('AWS::ECS::Service'));
      expect(service.DependsOn).toContain(association);
    });

    test('the listener targets the target container on its own port, health-checked on /healthz', () => {
      template.hasResourceProperties('AWS::ECS::Service', {
        LoadBalancers: [{ ContainerName: 'web', ContainerPort: 9090, TargetGroupArn: Match.anyValue() }],
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: 9090,
        TargetType: 'ip',
        HealthCheckPath: DEFAULT_HEALTH_CHECK_PATH,
        Matcher: { HttpCode: '200' },
        HealthCheckIntervalSeconds: 15,
        TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
      });
    });

    test('the task security group accepts only the load balancer, only on the target port, and has no egress', () => {
      const sgId = stack.getLogicalId(web.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
      const albSgId = stack.getLogicalId(alb.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [albSgId, 'GroupId'] },
        FromPort: 9090,
        ToPort: 9090,
      });
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) =>
        JSON.stringify(r.Properties.GroupId).includes(sgId),
      );
      expect(ingress).toHaveLength(1);
      // allowAllOutbound false: CDK writes its placeholder rule that matches no traffic.
      const [sg] = Object.values(template.findResources('AWS::EC2::SecurityGroup')).filter((r) => r.Properties.GroupDescription.startsWith('Web tasks'));
      expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    });

    test('scales between 1 and 2 tasks on 60 % CPU', () => {
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 2 });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          TargetValue: 60,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        }),
      });
    });
    test('no stickiness: each request may go to any task', () => {
      const [tg] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
      expect(tg.Properties.TargetGroupAttributes).toEqual([
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
        { Key: 'stickiness.enabled', Value: 'false' },
      ]);
    });
  });

  test('a health check path and load-balancer cookie stickiness from the props', () => {
    const { template } = build({ healthCheckPath: '/.web/', stickySessionDuration: Duration.hours(12) });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/.web/',
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '43200' },
      ]),
    });
  });

  test('counts, bounds, CPU target and the deployment maximum come from the props', () => {
    const { template } = build({ desiredCount: 3, minTasks: 2, maxTasks: 6, targetCpuPercent: 45, maxHealthyPercent: 150 });
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 3,
      DeploymentConfiguration: Match.objectLike({ MaximumPercent: 150 }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 45 }),
    });
  });
});
