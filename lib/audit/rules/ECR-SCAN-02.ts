import { resourceRule } from './_kit';

/** Live only (`--account`). SCAN_ON_PUSH under ENHANCED passes with a note-free verdict only when continuous: a pushed image is never rescanned otherwise. */
export default resourceRule(
  {
    id: 'ECR-SCAN-02',
    severity: 'medium',
    title: 'Enhanced scanning off for the CDK assets repository',
    sources: ['Security Hub Inspector.2', 'prowler inspector2_is_enabled', 'ECS BP "Scan your images"'],
    fix: 'Turn on account.enhancedScanning (registry scan type ENHANCED, CONTINUOUS_SCAN for the assets repository) and deploy the account stack.',
    inputs: ['live'],
  },
  (m) => m.registries,
  (r) => {
    if (r.scanType !== 'ENHANCED')
      return `the registry's scan type is ${r.scanType ?? 'unknown'}, not ENHANCED: images of ${r.assetsRepository} are not rescanned`;
    if (r.assetsRepositoryScanFrequency === undefined) return `no enhanced-scanning rule matches ${r.assetsRepository}: its images are not scanned at all`;
    if (r.assetsRepositoryScanFrequency !== 'CONTINUOUS_SCAN') {
      return `${r.assetsRepository} is scanned ${r.assetsRepositoryScanFrequency}, not CONTINUOUS_SCAN: a vulnerability published after the push goes unnoticed`;
    }
    return undefined;
  },
);
