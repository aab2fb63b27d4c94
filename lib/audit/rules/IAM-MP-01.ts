import { known, resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'IAM-MP-01',
    severity: 'low',
    title: 'AWS managed policy attached',
    sources: ['cdk-nag AwsSolutions-IAM4'],
    fix: 'Replace the AWS managed policy with a customer managed policy scoped to what the role uses.',
    inputs: ['template'],
  },
  (m) => m.iamRoles,
  (r) =>
    r.managedPolicyArns
      .map(known)
      .filter((arn): arn is string => arn !== undefined && /:iam::aws:policy\//.test(arn))
      .map((arn) => `attaches AWS managed policy ${arn.slice(arn.indexOf('policy/') + 7)}`),
);
