import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'EC2-PUB-01',
    severity: 'high',
    title: 'Instances get public IP',
    sources: ['cdk-nag NIST/HIPAA/PCI AutoScalingLaunchConfigPublicIpDisabled', 'checkov CKV_AWS_88'],
    fix: 'Set AssociatePublicIpAddress to false and launch instances in private subnets.',
    inputs: ['template'],
  },
  (m) => m.hosts,
  (h) => (h.associatePublicIp === true ? 'AssociatePublicIpAddress is true: instances are reachable from the internet' : undefined),
);
