import { resourceRule } from './_kit';

/** Like cdk-nag S1, a bucket that receives another bucket's access logs is exempt. */
export default resourceRule(
  {
    id: 'S3-LOG-01',
    severity: 'low',
    title: 'Log bucket lacks access logging',
    sources: ['cdk-nag AwsSolutions-S1', 'checkov CKV_AWS_18'],
    fix: 'Set LoggingConfiguration to send server access logs to a separate bucket.',
    inputs: ['template'],
  },
  (m) => m.buckets,
  (b) => (b.accessLogging || b.isAccessLogTarget ? undefined : 'server access logging is off'),
);
