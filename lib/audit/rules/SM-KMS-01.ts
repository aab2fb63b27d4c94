import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/** `alias/aws/secretsmanager` is the AWS managed key: the same as no KmsKeyId (checkov CKV_AWS_149 reads it so). */
export default resourceRule(
  {
    id: 'SM-KMS-01',
    severity: 'low',
    title: 'Secret without customer key',
    sources: ['checkov CKV_AWS_149', 'cdk-nag AwsSolutions-SMG4 rationale'],
    fix: 'Set KmsKeyId to a customer managed key, so access to the secret also needs kms:Decrypt on a key you control.',
    inputs: ['template'],
  },
  (m) => m.secrets,
  (s) => {
    if (isUnknown(s.kmsKeyId)) return undefined;
    if (s.kmsKeyId === undefined) return 'no KmsKeyId: encrypted with the AWS managed key aws/secretsmanager';
    return /(^|\/)aws\/secretsmanager$/.test(s.kmsKeyId) ? `KmsKeyId is the AWS managed key ${s.kmsKeyId}` : undefined;
  },
);
