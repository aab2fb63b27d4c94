import { isUnknown } from '../model';
import { resourceRule } from './_kit';

const SETTINGS = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'];

export default resourceRule(
  {
    id: 'S3-PAB-01',
    severity: 'high',
    title: 'Public access not blocked',
    sources: ['cdk-nag AwsSolutions-S2', 'checkov CKV_AWS_53–56'],
    fix: 'Set all four PublicAccessBlockConfiguration settings to true (CDK: BlockPublicAccess.BLOCK_ALL).',
    inputs: ['template'],
  },
  (m) => m.buckets,
  (b) => {
    const pab = b.publicAccessBlock;
    if (!pab) return 'no PublicAccessBlockConfiguration';
    if (isUnknown(pab)) return undefined;
    // The model keeps the template's keys (PascalCase); compare case-insensitively.
    // An unknown setting (`Fn::If`) is not judged: unknown values never produce a finding.
    const on = (name: string) => Object.entries(pab).some(([k, v]) => k.toLowerCase() === name.toLowerCase() && (v === true || isUnknown(v)));
    const off = SETTINGS.filter((s) => !on(s));
    return off.length ? `PublicAccessBlockConfiguration does not set ${off.join(', ')}` : undefined;
  },
);
