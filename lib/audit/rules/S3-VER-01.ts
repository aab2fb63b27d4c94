import { isUnknown } from '../model';
import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'S3-VER-01',
    severity: 'low',
    title: 'Bucket versioning off',
    sources: ['checkov CKV_AWS_21', 'prowler s3_bucket_object_versioning', 'Security Hub S3.14', 'cdk-nag NIST/HIPAA/PCI S3BucketVersioningEnabled'],
    fix: 'Set VersioningConfiguration.Status to Enabled, so overwritten or deleted objects can be recovered.',
    inputs: ['template'],
  },
  (m) => m.buckets,
  (b) => (b.versioning === 'Enabled' || isUnknown(b.versioning) ? undefined : `VersioningConfiguration.Status is ${b.versioning ?? 'not set'}`),
);
