import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { DEFAULT_HEALTH_CHECK_PATH } from './app-shape';
import { deploymentStrategyProps, type DeploymentStrategySettings, shiftsTraffic } from './deployment-strategy';
import { TrafficShiftTargets } from './traffic-shift-targets';

/** The service's defaults: the configuration schema (lib/config/app-config.ts) reads them from here. */
export const WEB_SERVICE_DEFAULTS = {
  desiredCount: 1,
  minTasks: 1,
  maxTasks: 2,
  targetCpuPercent: 60,
} as const;

/**
 * The service's deployment maximum percent: during a rolling deployment ECS starts new tasks up to
 * this share of the running count before stopping old ones. The configuration's sizing check
 * (lib/config/validate-config.ts) counts the ENIs of that many tasks.
 */
export const SERVICE_DEPLOYMENT_MAXIMUM_PERCENT = 200;

/**
 * The longest load-balancer-generated cookie stickiness: 7 days (target group attribute
 * `stickiness.lb_cookie.duration_seconds`, 1 to 604800,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html).
 */
export const MAX_STICKY_SESSION_SECONDS = 604800;

export interface WebServiceProps {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.TaskDefinition;
  /** The container the load balancer sends traffic to, on its first mapped port (`containerPort`). */
  readonly targetContainer: ecs.ContainerDefinition;
  readonly capacityProvider: ecs.AsgCapacityProvider;
  /** The listener that forwards to the service. */
  readonly listener: elbv2.ApplicationListener;
  /**
   * Tasks to run at deploy time.
   *
   * @default WEB_SERVICE_DEFAULTS.desiredCount
   */
  readonly desiredCount?: number;
  /**
   * Lower bound of service auto scaling.
   *
   * @default WEB_SERVICE_DEFAULTS.minTasks
   */
  readonly minTasks?: number;
  /**
   * Upper bound of service auto scaling.
   *
   * @default WEB_SERVICE_DEFAULTS.maxTasks
   */
  readonly maxTasks?: number;
  /**
   * Average CPU utilisation (percent) the service auto scaling aims for.
   *
   * @default WEB_SERVICE_DEFAULTS.targetCpuPercent
   */
  readonly targetCpuPercent?: number;
  /**
   * During a deployment, the most tasks that may run, as a percentage of the desired count.
   *
   * @default SERVICE_DEPLOYMENT_MAXIMUM_PERCENT
   */
  readonly maxHealthyPercent?: number;
  /**
   * Let the tasks reach HTTPS (443) anywhere on the internet, through the NAT gateways. The task
   * security group's only egress otherwise is to what the stack names (the database, the
   * persistent files).
   *
   * @default false
   */
  readonly internetHttpsEgress?: boolean;
  /**
   * The path the load balancer's health check requests through the proxy: one the app answers 200
   * without a login (the proxy forwards it to the app without rate limiting).
   *
   * @default DEFAULT_HEALTH_CHECK_PATH (/healthz)
   */
  readonly healthCheckPath?: string;
  /**
   * Keep each client on one task for this long with the ALB's own cookie (`AWSALB`). A task
   * replaced or scaled in still loses the sessions it held, and load follows the clients, not the
   * tasks (README "Sessions").
   *
   * @default - no stickiness
   */
  readonly stickySessionDuration?: Duration;
  /**
   * How ECS replaces the tasks (lib/constructs/deployment-strategy.ts). Any strategy but rolling adds
   * a second target group, a production listener rule and a test listener ({@link TrafficShiftTargets}).
   *
   * @default - rolling, with the circuit breaker
   */
  readonly deployment?: DeploymentStrategySettings;
  /**
   * The only sources the test listener accepts (a strategy other than rolling): the NAT gateways'
   * addresses, where the hook Lambda's requests come from.
   *
   * @default - none: a rolling service has no test listener
   */
  readonly testClients?: ec2.IPeer[];
}

/**
 * The ECS service: tasks on the capacity provider, spread over AZs, in private subnets with no
 * public IP and no ECS Exec (break-glass `ecsExec.enabled` turns it on from outside: BreakGlassExec
 * in break-glass-exec.ts sets `EnableExecuteCommand` on this service's CloudFormation resource and
 * gives the SSM agent the one writable path it needs beside the read-only root), rolled back by the deployment circuit breaker, scaled on CPU. The task security group accepts
 * only the ALB, only on the target port, and has no egress: image pulls and log delivery go
 * through the host, not the task's ENI.
 */
export class WebService extends Construct {
  readonly service: ecs.Ec2Service;
  readonly securityGroup: ec2.SecurityGroup;
  /** The ALB target group of the service's tasks (its health check, its response metrics); the first of two with a traffic-shifting strategy. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The second target group, the production rule and the test listener, with a strategy other than rolling. */
  readonly trafficShift?: TrafficShiftTargets;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const { cluster, taskDefinition, targetContainer } = props;

    this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: cluster.vpc,
      description: 'Web tasks: inbound only from the load balancer on the proxy port; no outbound',
      allowAllOutbound: false,
    });
    if (props.internetHttpsEgress) {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the internet through the NAT (egress.internetHttps)');
    }

    this.service = new ecs.Ec2Service(this, 'Resource', {
      cluster,
      taskDefinition,
      desiredCount: props.desiredCount ?? WEB_SERVICE_DEFAULTS.desiredCount,
      capacityProviderStrategies: [{ capacityProvider: props.capacityProvider.capacityProviderName, weight: 1 }],
      securityGroups: [this.securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      enableExecuteCommand: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: props.maxHealthyPercent ?? SERVICE_DEPLOYMENT_MAXIMUM_PERCENT,
      placementStrategies: [ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE)],
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      healthCheckGracePeriod: Duration.seconds(60),
      ...(props.deployment ? deploymentStrategyProps(props.deployment) : {}),
    });

    // A service created before the cluster's capacity-provider association exists fails with
    // "The specified capacity provider strategy cannot contain a capacity provider that is not
    // associated with the cluster", and deleting the association first hangs the stack's deletion
    // (aws/containers-roadmap#631). CloudFormation sees no reference between the two, so say it.
    // aws-cdk-lib adds the association (Cluster/Cluster) late, so the dependency is on the cluster
    // construct, which CDK resolves to every resource beneath it when it synthesizes.
    this.service.node.addDependency(cluster);

    const targetGroupProps = {
      port: targetContainer.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      deregistrationDelay: Duration.seconds(30),
      // lb_cookie stickiness: the ALB generates and checks the AWSALB cookie; the app changes nothing.
      stickinessCookieDuration: props.stickySessionDuration,
      healthCheck: {
        // Served by nginx without rate limiting and answered by the app, so it checks both containers.
        path: props.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    };
    const target = { containerName: targetContainer.containerName, containerPort: targetContainer.containerPort };
    if (props.deployment && shiftsTraffic(props.deployment.deploymentStrategy)) {
      this.trafficShift = new TrafficShiftTargets(this, 'TrafficShift', {
        vpc: cluster.vpc,
        productionListener: props.listener,
        targetGroup: targetGroupProps,
        testClients: props.testClients ?? [],
      });
      this.targetGroup = this.trafficShift.primary;
      this.targetGroup.addTarget(this.service.loadBalancerTarget({ ...target, alternateTarget: this.trafficShift.alternateTarget }));
    } else {
      this.targetGroup = props.listener.addTargets('Web', { ...targetGroupProps, targets: [this.service.loadBalancerTarget(target)] });
    }

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.minTasks ?? WEB_SERVICE_DEFAULTS.minTasks,
      maxCapacity: props.maxTasks ?? WEB_SERVICE_DEFAULTS.maxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuPercent ?? WEB_SERVICE_DEFAULTS.targetCpuPercent });
  }
}
