import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'S3-TLS-01',
    severity: 'medium',
    title: 'Bucket allows non-TLS',
    sources: ['cdk-nag AwsSolutions-S10'],
    fix: 'Add a bucket policy that denies requests with aws:SecureTransport false (CDK: enforceSSL: true).',
    inputs: ['template'],
  },
  (m) => m.buckets,
  (b) => (b.deniesInsecureTransport ? undefined : 'the bucket policy does not deny aws:SecureTransport=false'),
);
