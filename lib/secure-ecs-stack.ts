import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import type { AppConfig } from './config/app-config';
import { Ec2Capacity } from './constructs/ec2-capacity';
import { HardenedTaskDefinition } from './constructs/hardened-task-definition';
import { Network } from './constructs/network';
import { PublicLoadBalancer } from './constructs/public-load-balancer';
import { WebService } from './constructs/web-service';

export interface SecureEcsStackProps extends StackProps {
  /** The validated configuration (lib/config/validate-config.ts). */
  readonly config: AppConfig;
  /**
   * Image build contexts, one folder per container.
   *
   * @default - the repository's containers/ folder
   */
  readonly containersDir?: string;
}

/**
 * The whole app: network, cluster and hosts, the hardened task, the service and its load balancer.
 * The stack only wires constructs together; each construct owns one concern.
 */
export class SecureEcsStack extends Stack {
  readonly network: Network;
  readonly cluster: ecs.Cluster;
  readonly capacity: Ec2Capacity;
  readonly task: HardenedTaskDefinition;
  readonly loadBalancer: PublicLoadBalancer;
  readonly web: WebService;

  constructor(scope: Construct, id: string, props: SecureEcsStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.network = new Network(this, 'Network', { config: config.network });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.capacity = new Ec2Capacity(this, 'Capacity', {
      vpc: this.network.vpc,
      cluster: this.cluster,
      config: config.hosts,
    });

    this.task = new HardenedTaskDefinition(this, 'Task', {
      task: config.task,
      rateLimit: config.rateLimit,
      proxy: config.proxy,
      architecture: config.hosts.architecture,
      trustedProxyCidrs: this.network.loadBalancerCidrs,
      containersDir: props.containersDir,
    });

    this.loadBalancer = new PublicLoadBalancer(this, 'LoadBalancer', { vpc: this.network.vpc, config: config.edge });

    this.web = new WebService(this, 'Web', {
      cluster: this.cluster,
      taskDefinition: this.task.taskDefinition,
      capacityProvider: this.capacity.capacityProvider,
      listener: this.loadBalancer.listener,
      config: config.service,
    });
    
    new CfnOutput(this, 'Url', { value: this.loadBalancer.url, description: 'Public URL of the app' });
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
    new CfnOutput(this, 'ServiceName', { value: this.web.service.serviceName });
    new CfnOutput(this, 'AppLogGroup', { value: this.task.appLogGroup.logGroupName });
    new CfnOutput(this, 'ProxyLogGroup', { value: this.task.proxyLogGroup.logGroupName });
  }
}
