import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface GuardDutyDataEndpointProps {
  /** The VPC whose private subnets hold the hosts. */
  readonly vpc: ec2.IVpc;
  /** The VPC's CIDR block as written (a literal: cdk-nag cannot judge an ingress rule whose source is a token). */
  readonly vpcCidr: string;
}

/**
 * The interface endpoint GuardDuty's security agent sends runtime events through
 * (com.amazonaws.<region>.guardduty-data), in the hosts' private subnets with private DNS, so the
 * agent's name guardduty-data.<region>.amazonaws.com resolves to it. Its policy is the one GuardDuty's
 * guide gives (https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html):
 * only principals of this account may use it. Its security group admits HTTPS from the VPC's
 * addresses and nothing else, and sends nothing (an endpoint only answers).
 *
 * GuardDuty's automated agent configuration also creates an endpoint of its own in each VPC with
 * workloads; with this one in place its own is not needed (README "GuardDuty Runtime Monitoring").
 */
export class GuardDutyDataEndpoint extends Construct {
  readonly endpoint: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: GuardDutyDataEndpointProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'GuardDuty runtime data endpoint: HTTPS from the VPC only',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpcCidr), ec2.Port.tcp(443), 'GuardDuty agents on the hosts');
    this.endpoint = new ec2.InterfaceVpcEndpoint(this, 'Endpoint', {
      vpc: props.vpc,
      service: new ec2.InterfaceVpcEndpointService(`com.amazonaws.${stack.region}.guardduty-data`, 443),
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      privateDnsEnabled: true,
      securityGroups: [securityGroup],
      open: false,
    });
    this.endpoint.addToPolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['*'], resources: ['*'] }));
    this.endpoint.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['*'],
        resources: ['*'],
        conditions: { StringNotEquals: { 'aws:PrincipalAccount': stack.account } },
      }),
    );
  }
}
