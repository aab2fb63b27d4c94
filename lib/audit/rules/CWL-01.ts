import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'CWL-01',
    severity: 'low',
    title: 'Log group without retention/KMS',
    sources: ['cdk-nag NIST/HIPAA/PCI CloudWatchLogGroupRetentionPeriod/Encrypted', 'checkov CKV_AWS_66, CKV_AWS_158'],
    fix: 'Set RetentionInDays and a KmsKeyId (customer managed key) on the log group.',
    inputs: ['template'],
  },
  (m) => m.logGroups,
  (g) => {
    const missing = [g.retentionInDays === undefined ? 'RetentionInDays' : '', g.kmsKeyId === undefined ? 'KmsKeyId' : ''].filter(Boolean);
    return missing.length ? `the log group has no ${missing.join(' and no ')}` : undefined;
  },
);
