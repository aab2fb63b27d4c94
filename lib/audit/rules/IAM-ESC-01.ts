import { known, resourceRule } from './_kit';
import { allows, grants } from './_policy';

/**
 * Actions that let a principal raise its own privileges, alone or with iam:PassRole, from
 * Rhino Security Labs' list that cloudsplaining (checkov CKV_AWS_110) and prowler
 * (iam_policy_allows_privilege_escalation) implement
 * (https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/).
 */
const ALONE = [
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:AddUserToGroup',
  'iam:UpdateAssumeRolePolicy',
];
/** With iam:PassRole, each of these runs code as a role the principal chooses. */
const WITH_PASS_ROLE = [
  'ec2:RunInstances',
  'lambda:CreateFunction',
  'cloudformation:CreateStack',
  'glue:CreateDevEndpoint',
  'datapipeline:CreatePipeline',
  'ecs:RegisterTaskDefinition',
  'ecs:RunTask',
  'codebuild:CreateProject',
  'sagemaker:CreateNotebookInstance',
];

/** Judged per policy (one inline policy, an AWS::IAM::Policy, a managed policy). Deny statements are not subtracted. */
export default resourceRule(
  {
    id: 'IAM-ESC-01',
    severity: 'high',
    title: 'Policy allows privilege escalation',
    sources: ['checkov CKV_AWS_110', 'prowler iam_policy_allows_privilege_escalation, iam_inline_policy_allows_privilege_escalation'],
    fix: 'Remove the IAM write actions (or scope them to resources the principal cannot use to raise its own rights) and scope iam:PassRole to the roles it must pass.',
    inputs: ['template'],
  },
  (m) => m.iamPolicies,
  (p) => {
    const granted = p.statements.filter(allows).flatMap((s) => s.actions.map((a) => known(a)).filter((a): a is string => a !== undefined));
    const has = (action: string) => granted.some((pattern) => grants(pattern, action));
    const alone = ALONE.filter(has);
    const launchers = has('iam:PassRole') ? WITH_PASS_ROLE.filter(has) : [];
    return [
      ...(alone.length ? [`allows ${alone.join(', ')}: the principal can raise its own privileges`] : []),
      ...(launchers.length ? [`allows iam:PassRole with ${launchers.join(', ')}: code can run as any role the principal can pass`] : []),
    ];
  },
);
