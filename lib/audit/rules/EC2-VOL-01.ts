import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/** Block device mappings of launch templates are EC2-EBS-01's; this is the standalone volume. */
export default resourceRule(
  {
    id: 'EC2-VOL-01',
    severity: 'medium',
    title: 'Unencrypted EBS volume',
    sources: ['checkov CKV_AWS_3', 'prowler ec2_ebs_volume_encryption', 'Security Hub EC2.3', 'cdk-nag AwsSolutions-EC26'],
    fix: 'Set Encrypted to true on the AWS::EC2::Volume (and a KmsKeyId you control).',
    inputs: ['template'],
  },
  (m) => m.ebsVolumes,
  (v) => (v.encrypted === true || isUnknown(v.encrypted) ? undefined : `Encrypted is ${v.encrypted ?? 'not set'}`),
);
