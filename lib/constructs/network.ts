import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GuardDutyDataEndpoint } from './guardduty-data-endpoint';

/** The network's defaults: the configuration schema (lib/config/app-config.ts) reads them from here. */
export const NETWORK_DEFAULTS = {
  vpcCidr: '10.0.0.0/16',
  maxAzs: 2,
  natGateways: 1,
  natAvailabilityMode: 'zonal',
  flowLogRetention: logs.RetentionDays.ONE_MONTH,
} as const;

/**
 * How the NAT gateways serve the AZs, as the EC2 API's `AvailabilityMode` names it: `zonal`, one
 * gateway in a public subnet per `natGateways` (the other AZs route to them across AZs), or
 * `regional`, one gateway of the VPC that AWS expands into every AZ that has workloads, with no
 * public subnet of its own (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html;
 * aws-cdk-lib `NatProvider.regionalGateway()`, which counts it as one gateway whatever `natGateways` says).
 */
export const NAT_AVAILABILITY_MODES = ['zonal', 'regional'] as const;
export type NatAvailabilityMode = (typeof NAT_AVAILABILITY_MODES)[number];

/** Most AZs the network spreads over: the schema's upper bound for `network.maxAzs`. */
export const MAX_AZS = 3;

/** Prefix lengths of each AZ's subnets: a /26 public subnet for the ALB's nodes, a /22 private one for hosts and tasks. */
export const SUBNET_PREFIX = { public: 26, private: 22, isolated: 26 } as const;

/**
 * The longest VPC prefix (the smallest VPC) that holds the subnets of {@link MAX_AZS} AZs, so every
 * `network.maxAzs` fits. CDK's `IpAddresses.cidr` allocates the subnet groups in order, each block
 * aligned to its own size (aws-cdk-lib aws-ec2/lib/network-util.ts, `NetworkBuilder.addSubnets`):
 * the public /26s take the first 64 × AZs addresses (and the isolated /26s, with a database, the
 * next 64 × AZs), the first private /22 starts at the next
 * 1024 boundary, and each AZ adds 1024. With 2 AZs that ends at 3072, with 3 at 4096: a /20. A /21
 * (2048 addresses) fails synth with `SubnetCountExceedsRemainingSpace` (test/constructs/network.test.ts).
 */
export const SMALLEST_VPC_PREFIX = (() => {
  const size = (prefix: number) => 2 ** (32 - prefix);
  // The isolated /26s (only with a database) follow the public ones in the same first /22.
  const publicEnd = MAX_AZS * (size(SUBNET_PREFIX.public) + size(SUBNET_PREFIX.isolated));
  const privateStart = Math.ceil(publicEnd / size(SUBNET_PREFIX.private)) * size(SUBNET_PREFIX.private);
  const end = privateStart + MAX_AZS * size(SUBNET_PREFIX.private);
  return 32 - Math.ceil(Math.log2(end));
})();

export interface NetworkProps {
  /**
   * CIDR block of the VPC: a network address (CDK rounds an address with host bits up to the next
   * block), of prefix length 16 to {@link SMALLEST_VPC_PREFIX}.
   *
   * @default NETWORK_DEFAULTS.vpcCidr
   */
  readonly vpcCidr?: string;
  /**
   * Availability Zones to spread over (the load balancer needs two), at most {@link MAX_AZS}. The
   * stack must offer this many (`Stack.availabilityZones`); the VPC takes fewer without a word if it
   * offers fewer, which `SecureEcsStack` refuses.
   *
   * @default NETWORK_DEFAULTS.maxAzs
   */
  readonly maxAzs?: number;
  /**
   * NAT gateways for the private subnets' egress: 1 is cheapest, one per AZ survives an AZ outage.
   *
   * @default NETWORK_DEFAULTS.natGateways
   */
  readonly natGateways?: number;
  /**
   * `zonal` NAT gateways (`natGateways` of them) or one `regional` NAT gateway that serves every AZ
   * (then `natGateways` must be 1: it is one gateway).
   *
   * @default NETWORK_DEFAULTS.natAvailabilityMode
   */
  readonly natAvailabilityMode?: NatAvailabilityMode;
  /**
   * How long VPC flow logs are kept.
   *
   * @default NETWORK_DEFAULTS.flowLogRetention
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * KMS key that encrypts the flow log group.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly flowLogEncryptionKey?: kms.IKey;
  /**
   * Add isolated subnets (no route out of the VPC) for a database: a /26 in each AZ, allocated
   * between the public and the private subnets, where the address space up to the first /22 is
   * free, so the private subnets keep their addresses and {@link SMALLEST_VPC_PREFIX} holds.
   *
   * @default false
   */
  readonly isolatedSubnets?: boolean;
  /**
   * An interface endpoint for GuardDuty's runtime data (com.amazonaws.<region>.guardduty-data) in
   * the private subnets, with private DNS, which the GuardDuty security agent on the hosts resolves
   * and sends its events to (https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-agent-connectivity.html).
   *
   * @default false
   */
  readonly guardDutyDataEndpoint?: boolean;
}

/**
 * A VPC over two or more AZs: public subnets hold only the load balancer; instances and tasks live
 * in private subnets whose egress goes through NAT. Every flow is logged.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;
  /** With `guardDutyDataEndpoint`. */
  readonly guardDutyDataEndpoint?: GuardDutyDataEndpoint;
  /** Whether the VPC's NAT is one regional gateway (`natAvailabilityMode` "regional"). */
  private readonly regionalNat: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const regionalNat = (props.natAvailabilityMode ?? NETWORK_DEFAULTS.natAvailabilityMode) === 'regional';
    this.regionalNat = regionalNat;
    if (regionalNat && (props.natGateways ?? NETWORK_DEFAULTS.natGateways) !== 1) {
      throw new Error(
        `${scope.node.path}/${id}: natGateways is ${props.natGateways} with natAvailabilityMode "regional"; a regional NAT gateway is one gateway (expected 1)`,
      );
    }

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr ?? NETWORK_DEFAULTS.vpcCidr),
      maxAzs: props.maxAzs ?? NETWORK_DEFAULTS.maxAzs,
      natGateways: props.natGateways ?? NETWORK_DEFAULTS.natGateways,
      // Automatic mode: AWS allocates the Elastic IPs and adds an AZ when workloads appear there.
      natGatewayProvider: regionalNat ? ec2.NatProvider.regionalGateway() : undefined,
      subnetConfiguration: [
        // /26 per AZ is plenty for ALB nodes; the private subnets hold the hosts' and tasks' ENIs.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: SUBNET_PREFIX.public, mapPublicIpOnLaunch: false },
        // Only with a database, so the default template keeps its subnets (RDS needs two AZs; maxAzs is at least 2).
        ...(props.isolatedSubnets ? [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: SUBNET_PREFIX.isolated }] : []),
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: SUBNET_PREFIX.private },
      ],
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? NETWORK_DEFAULTS.flowLogRetention,
      encryptionKey: props.flowLogEncryptionKey,
      // Flow logs are evidence (who talked to what): retained when the stack is deleted, like the
      // other logs; the events still expire after the retention period. Unnamed, so no name clash.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    if (props.guardDutyDataEndpoint)
      this.guardDutyDataEndpoint = new GuardDutyDataEndpoint(this, 'GuardDutyData', {
        vpc: this.vpc,
        vpcCidr: props.vpcCidr ?? NETWORK_DEFAULTS.vpcCidr,
      });
  }

  /**
   * The public addresses the private subnets' traffic to the internet leaves from: the Elastic IP of
   * each zonal NAT gateway (aws-cdk-lib `PublicSubnet.addNatGateway` creates it as the subnet's `EIP`
   * child). A regional gateway in automatic mode allocates its addresses at deploy time, so they are
   * not known here: undefined.
   */
  get natPublicIps(): string[] | undefined {
    if (this.regionalNat) return undefined;
    return this.vpc.publicSubnets.flatMap((s) => {
      const eip = s.node.tryFindChild('EIP');
      return eip instanceof ec2.CfnEIP ? [eip.attrPublicIp] : [];
    });
  }

  /** CIDR blocks of the public subnets: the only addresses the ALB's nodes can have. */
  get loadBalancerCidrs(): string[] {
    return this.vpc.publicSubnets.map((s) => s.ipv4CidrBlock);
  }
}
