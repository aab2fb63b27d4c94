import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'ELB-LOG-01',
    severity: 'medium',
    title: 'ALB access logs off',
    sources: ['cdk-nag AwsSolutions-ELB2', 'checkov CKV_AWS_91'],
    fix: 'Set the load balancer attribute access_logs.s3.enabled to true with an encrypted bucket.',
    inputs: ['template'],
  },
  (m) => m.loadBalancers,
  (lb) => (lb.attributes['access_logs.s3.enabled'] === 'true' ? undefined : 'access_logs.s3.enabled is not true'),
);
