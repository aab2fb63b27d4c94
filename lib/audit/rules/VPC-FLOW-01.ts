import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'VPC-FLOW-01',
    severity: 'medium',
    title: 'No VPC flow logs',
    sources: ['cdk-nag AwsSolutions-VPC7', 'cdk-nag NIST/HIPAA/PCI VPCFlowLogsEnabled'],
    fix: 'Add an AWS::EC2::FlowLog for the VPC (CDK: vpc.addFlowLog).',
    inputs: ['template'],
  },
  (m) => m.vpcs,
  (v) => (v.hasFlowLog ? undefined : 'the VPC has no flow log'),
);
