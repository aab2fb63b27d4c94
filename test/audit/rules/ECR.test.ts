/** ECR repositories (ECR-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { ACCOUNT_ECR_CASES } from './account-cases';
import { type Cases, ruleSuite } from './harness';
import { GOOD_REPOSITORY, onlyTemplate, repository } from './platform-models';

const CASES: Record<string, Cases> = {
  'ECR-SCAN-01': {
    field: /ImageScanningConfiguration\.ScanOnPush/,
    compliant: [
      ['template: hardened', () => repository(GOOD_REPOSITORY)],
      ['template: "true"', () => repository({ ...GOOD_REPOSITORY, ImageScanningConfiguration: { ScanOnPush: 'true' } })],
    ],
    nonCompliant: [
      ['template: not set', () => repository({ ...GOOD_REPOSITORY, ImageScanningConfiguration: undefined })],
      ['template: false', () => repository({ ...GOOD_REPOSITORY, ImageScanningConfiguration: { ScanOnPush: false } })],
    ],
    notApplicable: onlyTemplate,
  },
  'ECR-TAG-01': {
    field: /ImageTagMutability/,
    compliant: [['template: IMMUTABLE', () => repository(GOOD_REPOSITORY)]],
    nonCompliant: [
      ['template: not set', () => repository({ ...GOOD_REPOSITORY, ImageTagMutability: undefined })],
      ['template: MUTABLE', () => repository({ ...GOOD_REPOSITORY, ImageTagMutability: 'MUTABLE' })],
    ],
    notApplicable: onlyTemplate,
  },
  'ECR-KMS-01': {
    field: /EncryptionConfiguration\.EncryptionType/,
    compliant: [['template: KMS', () => repository(GOOD_REPOSITORY)]],
    nonCompliant: [
      ['template: not set', () => repository({ ...GOOD_REPOSITORY, EncryptionConfiguration: undefined })],
      ['template: AES256', () => repository({ ...GOOD_REPOSITORY, EncryptionConfiguration: { EncryptionType: 'AES256' } })],
    ],
    notApplicable: onlyTemplate,
  },
  'ECR-LC-01': {
    field: /LifecyclePolicy/,
    compliant: [['template: lifecycle policy', () => repository(GOOD_REPOSITORY)]],
    nonCompliant: [['template: none', () => repository({ ...GOOD_REPOSITORY, LifecyclePolicy: undefined })]],
    notApplicable: onlyTemplate,
  },
};

ruleSuite(['ECR'], { ...CASES, ...ACCOUNT_ECR_CASES });
