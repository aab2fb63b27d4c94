/** Cases of the live account rules on the ECR registry (ECR.test.ts runs them with the other ECR-* rules). */
import { emptyModel } from '../../../lib/audit/model';
import type { Cases } from './harness';
import { account } from './account-models';

const noReading: [string, () => ReturnType<typeof emptyModel>][] = [['no account reading (no --account)', emptyModel]];

export const ACCOUNT_ECR_CASES: Record<string, Cases> = {
  'ECR-SIGN-01': {
    field: /managed-signing rule .* cdk-hnb659fds-container-assets/,
    compliant: [['a signing rule matches the assets repository', () => account()]],
    nonCompliant: [['no signing rule matches it', () => account({ signsAssetsRepository: false })]],
    notApplicable: noReading,
  },
  'ECR-SCAN-02': {
    field: /scan type|enhanced-scanning rule|CONTINUOUS_SCAN/,
    compliant: [['ENHANCED, CONTINUOUS_SCAN for the assets repository', () => account()]],
    nonCompliant: [
      ['BASIC', () => account({ scanType: 'BASIC', assetsRepositoryScanFrequency: undefined })],
      ['ENHANCED without a rule for it', () => account({ assetsRepositoryScanFrequency: undefined })],
      ['ENHANCED, SCAN_ON_PUSH only', () => account({ assetsRepositoryScanFrequency: 'SCAN_ON_PUSH' })],
    ],
    notApplicable: noReading,
  },
  'ECR-TAG-02': {
    field: /imageTagMutability/,
    compliant: [
      ['IMMUTABLE', () => account()],
      ['IMMUTABLE_WITH_EXCLUSION', () => account({}, { tagMutability: 'IMMUTABLE_WITH_EXCLUSION' })],
    ],
    nonCompliant: [
      ['MUTABLE', () => account({}, { tagMutability: 'MUTABLE' })],
      ['not said', () => account({}, { tagMutability: undefined })],
    ],
    notApplicable: [...noReading, ['the account is not bootstrapped (no assets repository)', () => account({}, null)]],
  },
  'ECR-BOOT-01': {
    field: /lacks .*(scan on push|KMS encryption|lifecycle policy)/,
    compliant: [
      ['hardened', () => account()],
      ['scan on push off, but enhanced scanning covers it', () => account({}, { scanOnPush: false })],
    ],
    nonCompliant: [
      ['AES256', () => account({}, { encryptionType: 'AES256' })],
      ['no lifecycle policy', () => account({}, { hasLifecyclePolicy: false })],
      ['no scan on push and basic scanning', () => account({ scanType: 'BASIC', assetsRepositoryScanFrequency: undefined }, { scanOnPush: false })],
    ],
    notApplicable: [...noReading, ['the account is not bootstrapped (no assets repository)', () => account({}, null)]],
  },
};
