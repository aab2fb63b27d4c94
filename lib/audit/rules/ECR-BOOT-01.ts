import { resourceRule } from './_kit';

/**
 * Live only (`--account`): the hardening bootstrap/hardened-bootstrap-template.yaml adds to the
 * bootstrap's assets repository. Scan on push counts as done when the registry scans the repository
 * with enhanced scanning (ECR then ignores the repository's own scan-on-push setting).
 */
export default resourceRule(
  {
    id: 'ECR-BOOT-01',
    severity: 'medium',
    title: 'CDK bootstrap repository not hardened',
    sources: [
      'checkov CKV_AWS_163, CKV_AWS_136',
      'Security Hub ECR.1, ECR.3',
      'prowler ecr_repositories_scan_images_on_push_enabled, ecr_repositories_lifecycle_policy_enabled',
    ],
    fix: 'Bootstrap with bootstrap/hardened-bootstrap-template.yaml: scan on push, KMS encryption and a lifecycle policy on the assets repository.',
    inputs: ['live'],
  },
  (m) => m.assetsRepositories,
  (r, m) => {
    const missing: string[] = [];
    const enhanced = m.registries.some((g) => g.assetsRepositoryScanFrequency !== undefined);
    if (r.scanOnPush !== true && !enhanced) missing.push('scan on push (and no enhanced scanning)');
    if (r.encryptionType !== 'KMS' && r.encryptionType !== 'KMS_DSSE')
      missing.push(`KMS encryption (it is ${typeof r.encryptionType === 'string' ? r.encryptionType : 'unknown'})`);
    if (!r.hasLifecyclePolicy) missing.push('a lifecycle policy');
    return missing.length ? `the assets repository lacks ${missing.join(', ')}` : undefined;
  },
);
