import { isUnknown } from '../model';
import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'ECR-SCAN-01',
    severity: 'medium',
    title: 'ECR scan on push off',
    sources: ['checkov CKV_AWS_163', 'prowler ecr_repositories_scan_images_on_push_enabled', 'Security Hub ECR.1', 'ECS BP "Scan your images"'],
    fix: 'Set ImageScanningConfiguration.ScanOnPush to true (or turn on enhanced scanning for the registry).',
    inputs: ['template'],
  },
  (m) => m.ecrRepositories,
  (r) =>
    r.scanOnPush === true || isUnknown(r.scanOnPush)
      ? undefined
      : `ImageScanningConfiguration.ScanOnPush is ${r.scanOnPush ?? 'not set'}: pushed images are not scanned`,
);
