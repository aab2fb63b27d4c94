import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The test listener's port on the load balancer: plain HTTP, never opened to the internet. It tests
 * the new revision's tasks (the proxy and the app), not the load balancer's TLS, which a service
 * deployment does not change and which `secure-ecs verify` checks on the public URL.
 */
export const TEST_LISTENER_PORT = 9080;

export interface TrafficShiftTargetsProps {
  readonly vpc: ec2.IVpc;
  /** The production listener (HTTPS with a certificate, else HTTP): its one rule sends traffic to the live revision. */
  readonly productionListener: elbv2.ApplicationListener;
  /** The target groups' port, protocol, health check and stickiness, as a rolling service's target group has them. */
  readonly targetGroup: Omit<elbv2.ApplicationTargetGroupProps, 'vpc' | 'targets' | 'targetType'>;
  /**
   * The only sources the test listener accepts. The hook Lambda runs in the private subnets and
   * reaches the internet-facing load balancer's public addresses through the NAT gateways, so the
   * load balancer sees the NAT gateways' Elastic IPs: a rule naming the Lambda's security group
   * would never match (security-group references match private addresses within the VPC only).
   */
  readonly testClients: ec2.IPeer[];
}

/**
 * What ECS needs to move traffic between two revisions
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-implementation.html):
 * two target groups; a production listener rule that forwards to both with weights (ECS sets them,
 * 100/0 at first); a test listener whose rule ECS points at the new revision before production
 * traffic moves; and the `ecs.AlternateTarget` that names them to the service, with the role ECS
 * uses to change the rules (aws-cdk-lib attaches AmazonECSInfrastructureRolePolicyForLoadBalancers).
 *
 * Every request path matches the rules (`/*`); the listeners' default actions answer 404 and are
 * only reached by a request the ALB cannot route at all.
 */
export class TrafficShiftTargets extends Construct {
  /** The group the first revision registers in (ECS alternates between the two afterwards). */
  readonly primary: elbv2.ApplicationTargetGroup;
  readonly alternate: elbv2.ApplicationTargetGroup;
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly testListener: elbv2.ApplicationListener;
  readonly testRule: elbv2.ApplicationListenerRule;
  readonly alternateTarget: ecs.AlternateTarget;
  /** The test listener's URL, for the hook that probes the new revision through it. */
  readonly testUrl: string;

  constructor(scope: Construct, id: string, props: TrafficShiftTargetsProps) {
    super(scope, id);
    const group = (groupId: string) =>
      new elbv2.ApplicationTargetGroup(this, groupId, { ...props.targetGroup, vpc: props.vpc, targetType: elbv2.TargetType.IP });
    this.primary = group('Primary');
    this.alternate = group('Alternate');
    const weighted = () =>
      elbv2.ListenerAction.weightedForward([
        { targetGroup: this.primary, weight: 100 },
        { targetGroup: this.alternate, weight: 0 },
      ]);
    const everyPath = [elbv2.ListenerCondition.pathPatterns(['/*'])];
    const notFound = () => elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not Found' });

    props.productionListener.addAction('Default', { action: notFound() });
    this.productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener: props.productionListener,
      priority: 1,
      conditions: everyPath,
      action: weighted(),
    });

    const loadBalancer = props.productionListener.loadBalancer;
    this.testListener = loadBalancer.addListener('TestListener', {
      port: TEST_LISTENER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: notFound(),
    });
    Validations.of(this.testListener).acknowledge({
      id: 'secure-ecs-audit::ELB-TLS-01',
      reason:
        "The deployment test listener: plain HTTP by design, since its URL is the load balancer's DNS name, which no certificate names. " +
        "It admits only the NAT gateways' addresses and carries only the hook's probes of the new revision, no user's request or credential.",
    });
    if (props.testClients.length === 0) {
      // Nobody could reach the test listener, so the deployment hook's probes would fail every deployment.
      throw new Error(`${this.node.path}: the test listener needs the NAT gateways' addresses (zonal NAT gateways), and none was given`);
    }
    for (const client of props.testClients) {
      this.testListener.connections.allowFrom(client, ec2.Port.tcp(TEST_LISTENER_PORT), 'Test listener: the deployment hook, through a NAT gateway');
    }
    this.testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
      listener: this.testListener,
      priority: 1,
      conditions: everyPath,
      action: weighted(),
    });

    // The role ECS changes the rules' weights and registers the new revision's tasks with: the AWS
    // managed policy the ECS guide names for it, which AWS keeps in step with what ECS calls.
    const role = new iam.Role(this, 'AlternateTargetRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonECSInfrastructureRolePolicyForLoadBalancers')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
      reason:
        'The infrastructure role policy the ECS blue/green guide prescribes for load balancer traffic shifts ' +
        '(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html); AWS updates it with what ECS needs.',
    });
    this.alternateTarget = new ecs.AlternateTarget('AlternateTarget', {
      role,
      alternateTargetGroup: this.alternate,
      productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.productionRule),
      testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.testRule),
    });
    this.testUrl = `http://${loadBalancer.loadBalancerDnsName}:${TEST_LISTENER_PORT}/`;
  }
}
