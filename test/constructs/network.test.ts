import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Network } from '../../lib/constructs/network';
import { freshStack } from '../helpers/fresh-stack';

describe('Network', () => {
  test('defaults: 10.0.0.0/16 over 2 AZs, one NAT gateway, public /26 without public IPs, private /22, every flow logged for a month', () => {
    // GIVEN
    const stack = freshStack();
    // WHEN
    const network = new Network(stack, 'Network');
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => s.Properties);
    // No subnet, public or private, gives instances a public IP.
    expect(subnets.map((s) => [s.CidrBlock, s.MapPublicIpOnLaunch])).toEqual([
      ['10.0.0.0/26', false],
      ['10.0.0.64/26', false],
      ['10.0.4.0/22', false],
      ['10.0.8.0/22', false],
    ]);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { RetentionInDays: 30 } });
    expect(Object.values(template.findResources('AWS::Logs::LogGroup'))[0].Properties.KmsKeyId).toBeUndefined();
    // The ALB's nodes can only have addresses in the public subnets: nginx trusts X-Forwarded-For from these.
    expect(network.loadBalancerCidrs).toEqual(['10.0.0.0/26', '10.0.0.64/26']);
  });

  test('CIDR, NAT gateways, flow log retention and key come from the props', () => {
    // GIVEN
    const stack = freshStack();
    const key = new kms.Key(stack, 'Key');
    // WHEN
    new Network(stack, 'Network', {
      vpcCidr: '10.1.0.0/20',
      maxAzs: 2,
      natGateways: 2,
      flowLogRetention: logs.RetentionDays.ONE_YEAR,
      flowLogEncryptionKey: key,
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/20' });
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
    });
  });

  test('natAvailabilityMode "regional": one NAT gateway of the VPC, without a public subnet or an Elastic IP of its own', () => {
    // GIVEN
    const stack = freshStack();
    // WHEN
    new Network(stack, 'Network', { natAvailabilityMode: 'regional' });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::NatGateway', { AvailabilityMode: 'regional', SubnetId: Match.absent(), AllocationId: Match.absent() });
    // Automatic mode: AWS allocates the addresses per AZ.
    template.resourceCountIs('AWS::EC2::EIP', 0);
  });

  test('natAvailabilityMode "regional" with more than one NAT gateway is refused: it is one gateway', () => {
    expect(() => new Network(freshStack(), 'Network', { natAvailabilityMode: 'regional', natGateways: 2 })).toThrow(
      'Stack/Network: natGateways is 2 with natAvailabilityMode "regional"; a regional NAT gateway is one gateway (expected 1)',
    );
  });
});
