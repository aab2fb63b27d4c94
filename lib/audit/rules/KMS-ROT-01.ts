import { resourceRule } from './_kit';

/** Rotation applies to symmetric keys only. */
export default resourceRule(
  {
    id: 'KMS-ROT-01',
    severity: 'low',
    title: 'CMK rotation off',
    sources: ['cdk-nag AwsSolutions-KMS5', 'checkov CKV_AWS_7'],
    fix: 'Set EnableKeyRotation to true.',
    inputs: ['template'],
  },
  (m) => m.kmsKeys.filter((k) => k.keySpec === undefined || k.keySpec === 'SYMMETRIC_DEFAULT'),
  (k) => (k.enableKeyRotation === true ? undefined : 'EnableKeyRotation is not true'),
);
