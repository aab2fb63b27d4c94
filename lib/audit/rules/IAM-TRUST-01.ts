import { allows, knownPrincipals } from './_policy';
import { resourceRule } from './_kit';

/** An account's root principal: `arn:<partition>:iam::<12 digits>:root`, or the bare account id. */
const ACCOUNT_ROOT = /^(arn:[^:]+:iam::)?(\d{12}|\$\{AWS::AccountId\})(:root)?$/;

/**
 * Trusting `*` lets any AWS account assume the role; trusting an account's root delegates the
 * choice to every principal there with sts:AssumeRole. A Condition (sts:ExternalId,
 * aws:PrincipalArn, aws:PrincipalOrgID) narrows either and passes.
 */
export default resourceRule(
  {
    id: 'IAM-TRUST-01',
    severity: 'high',
    title: 'Role trusts any principal or a whole account',
    sources: [
      'checkov CKV_AWS_60, CKV_AWS_61',
      'prowler iam_no_custom_policy_permissive_role_assumption',
      'ECS BP IAM (task roles trust ecs-tasks.amazonaws.com)',
    ],
    fix: 'Trust the service (ecs-tasks.amazonaws.com) or the specific role ARNs that assume the role, or add a Condition such as sts:ExternalId or aws:PrincipalArn.',
    inputs: ['template'],
  },
  (m) => m.iamRoles,
  (r) =>
    r.trustStatements
      .filter((s) => allows(s) && !s.conditional)
      .flatMap((s) => knownPrincipals(s))
      .filter((p) => p === '*' || ACCOUNT_ROOT.test(p))
      .map((p) =>
        p === '*'
          ? 'AssumeRolePolicyDocument trusts Principal *: any AWS account can assume the role'
          : `AssumeRolePolicyDocument trusts the whole account ${p} without a Condition`,
      ),
);
