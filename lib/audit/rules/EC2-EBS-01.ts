import { isUnknown } from '../model';
import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'EC2-EBS-01',
    severity: 'medium',
    title: 'Unencrypted EBS',
    sources: ['cdk-nag AwsSolutions-EC26', 'checkov CKV_AWS_8'],
    fix: 'Set Ebs.Encrypted to true on every block device mapping.',
    inputs: ['template'],
  },
  (m) => m.hosts,
  (h) =>
    (isUnknown(h.blockDevices) ? [] : h.blockDevices)
      .filter((d) => d.ebs && d.encrypted !== true && !isUnknown(d.encrypted))
      .map((d) => `EBS volume ${typeof d.deviceName === 'string' ? d.deviceName : ''} is not encrypted`.replace('  ', ' ')),
);
