import { isUnknown } from '../model';
import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'ECR-KMS-01',
    severity: 'low',
    title: 'ECR not encrypted with KMS',
    sources: ['checkov CKV_AWS_136', 'ECS BP "Use a customer managed key for ECR"'],
    fix: 'Set EncryptionConfiguration.EncryptionType to KMS (with a KmsKey you control).',
    inputs: ['template'],
  },
  (m) => m.ecrRepositories,
  (r) =>
    isUnknown(r.encryptionType) || /^KMS/.test(r.encryptionType ?? '')
      ? undefined
      : `EncryptionConfiguration.EncryptionType is ${r.encryptionType ?? 'not set (AES256)'}`,
);
