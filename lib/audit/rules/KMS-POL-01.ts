import { allows, knownPrincipals } from './_policy';
import { resourceRule } from './_kit';

/**
 * A `*` principal in an Allow statement opens the key to every AWS account. A statement with a
 * Condition (kms:CallerAccount, aws:PrincipalOrgID, kms:ViaService) is narrowed by it and passes,
 * as AWS's key policy examples do (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
 */
export default resourceRule(
  {
    id: 'KMS-POL-01',
    severity: 'high',
    title: 'KMS key policy allows any principal',
    sources: ['checkov CKV_AWS_33', 'prowler kms_key_not_publicly_accessible', 'cdk-nag AwsSolutions-KMS5 rationale'],
    fix: 'Name the account root or the roles that use the key as Principal, or narrow a * principal with a Condition (kms:CallerAccount, aws:PrincipalOrgID).',
    inputs: ['template'],
  },
  (m) => m.kmsKeys,
  (k) =>
    k.policyStatements
      .filter((s) => allows(s) && !s.conditional && knownPrincipals(s).includes('*'))
      .map(() => 'KeyPolicy allows Principal * without a Condition: any AWS account can use the key'),
);
