import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'ELB-HDR-01',
    severity: 'low',
    title: 'Invalid headers not dropped',
    sources: ['checkov CKV_AWS_131', 'cdk-nag NIST.R4/HIPAA/PCI ALBHttpDropInvalidHeaderEnabled'],
    fix: 'Set routing.http.drop_invalid_header_fields.enabled to true.',
    inputs: ['template'],
  },
  (m) => m.loadBalancers.filter((lb) => lb.type === 'application'),
  (lb) =>
    lb.attributes['routing.http.drop_invalid_header_fields.enabled'] === 'true' ? undefined : 'routing.http.drop_invalid_header_fields.enabled is not true',
);
