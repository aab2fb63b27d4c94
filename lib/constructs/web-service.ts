import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { ServiceConfig } from '../config/app-config';
import { PROXY_CONTAINER, PROXY_PORT } from './hardened-task-definition';

export interface WebServiceProps {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly capacityProvider: ecs.AsgCapacityProvider;
  readonly listener: elbv2.ApplicationListener;
  readonly config: ServiceConfig;
}

/** Health check path served by nginx without rate limiting and answered by the PHP app. */
export const HEALTH_CHECK_PATH = '/healthz';

/**
 * The ECS service: tasks on the capacity provider, spread over AZs, in private subnets with no
 * public IP and no ECS Exec (it needs a writable root: pitfalls P8), rolled back by the deployment
 * circuit breaker, scaled on CPU. The task security group accepts only the ALB, only on 8080, and
 * has no egress: image pulls and log delivery go through the host, not the task's ENI.
 */
export class WebService extends Construct {
  readonly service: ecs.Ec2Service;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const { cluster, taskDefinition, config } = props;

    this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: cluster.vpc,
      description: 'Web tasks: inbound only from the load balancer on the proxy port; no outbound',
      allowAllOutbound: false,
    });

    this.service = new ecs.Ec2Service(this, 'Resource', {
      cluster,
      taskDefinition,
      desiredCount: config.desiredCount,
      capacityProviderStrategies: [{ capacityProvider: props.capacityProvider.capacityProviderName, weight: 1 }],
      securityGroups: [this.securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      enableExecuteCommand: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      placementStrategies: [
        ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE),
      ],
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      healthCheckGracePeriod: Duration.seconds(60),
    });

    props.listener.addTargets('Web', {
      port: PROXY_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: PROXY_CONTAINER, containerPort: PROXY_PORT })],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: HEALTH_CHECK_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: config.minTasks, maxCapacity: config.maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: config.targetCpuPercent });
  }
}
