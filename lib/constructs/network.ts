import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /**
   * CIDR block of the VPC.
   *
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * Availability Zones to spread over (the load balancer needs two).
   *
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * NAT gateways for the private subnets' egress: 1 is cheapest, one per AZ survives an AZ outage.
   *
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * How long VPC flow logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * KMS key that encrypts the flow log group.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly flowLogEncryptionKey?: kms.IKey;
}

/**
 * A VPC over two or more AZs: public subnets hold only the load balancer; instances and tasks live
 * in private subnets whose egress goes through NAT. Every flow is logged.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr ?? '10.0.0.0/16'),
      maxAzs: props.maxAzs ?? 2,
      natGateways: props.natGateways ?? 1,
      subnetConfiguration: [
        // /26 per AZ is plenty for ALB nodes; the rest of the VPC goes to private subnets.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.flowLogEncryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }

  /** CIDR blocks of the public subnets: the only addresses the ALB's nodes can have. */
  get loadBalancerCidrs(): string[] {
    return this.vpc.publicSubnets.map((s) => s.ipv4CidrBlock);
  }
}
