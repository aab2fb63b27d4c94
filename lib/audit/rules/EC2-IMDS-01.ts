import { isUnknown } from '../model';
import { imdsDisabled, resourceRule } from './_kit';

/**
 * An instance launched from a launch template inherits its metadata options (checked on the
 * template). `HttpEndpoint: disabled` turns IMDS off, so neither version is reachable.
 */
export default resourceRule(
  {
    id: 'EC2-IMDS-01',
    severity: 'high',
    title: 'IMDSv1 allowed',
    sources: ['cdk-nag NIST/HIPAA EC2IMDSv2Enabled', 'checkov CKV_AWS_79'],
    fix: 'Set MetadataOptions.HttpTokens to required (IMDSv2 only).',
    inputs: ['template'],
  },
  (m) => m.hosts.filter((h) => !h.usesLaunchTemplate),
  (h) =>
    isUnknown(h.httpTokens) || h.httpTokens === 'required' || imdsDisabled(h)
      ? undefined
      : `MetadataOptions.HttpTokens is ${h.httpTokens ?? 'not set (optional)'}: IMDSv1 is allowed`,
);
