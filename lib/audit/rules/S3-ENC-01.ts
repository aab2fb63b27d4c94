import { hasUnknown, knownItems, resourceRule } from './_kit';

/**
 * Since January 2023 S3 encrypts every new object with SSE-S3 when a bucket sets nothing
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html), so a bucket
 * without BucketEncryption is encrypted and passes, as in checkov's CKV_AWS_19 tests; only a rule
 * without a valid algorithm fails.
 */
export default resourceRule(
  {
    id: 'S3-ENC-01',
    severity: 'medium',
    title: 'Bucket encryption not set',
    sources: ['checkov CKV_AWS_19', 'prowler s3_bucket_default_encryption', 'cdk-nag NIST/HIPAA/PCI S3DefaultEncryptionKMS'],
    fix: 'Set BucketEncryption with SSEAlgorithm aws:kms (a customer managed key) or AES256.',
    inputs: ['template'],
  },
  (m) => m.buckets,
  (b) => {
    if (b.encryption === undefined || hasUnknown(b.encryption)) return undefined;
    const algorithms = knownItems(b.encryption);
    return algorithms.length === 0 || algorithms.some((a) => !/^(AES256|aws:kms(:dsse)?)$/.test(a))
      ? 'BucketEncryption has a rule without a valid SSEAlgorithm (AES256, aws:kms, aws:kms:dsse)'
      : undefined;
  },
);
