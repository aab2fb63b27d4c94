/** IAM roles and policies (rules IAM-*): trust policies, managed policy ARNs, inline and standalone policies. */
import type { AuditModel, IamPolicy } from '../../model';
import { obj } from '../ecs-document';
import { renderText, toList } from '../../../cfn/values';
import type { TemplateContext } from './context';
import { statements } from './policy-document';

export function iamResources(ctx: TemplateContext): Partial<AuditModel> {
  const { id, origin } = ctx;
  const iamRoles = ctx.ofType('AWS::IAM::Role').map(([logicalId, props]) => ({
    id: id(logicalId),
    origin: origin(logicalId),
    managedPolicyArns: toList(props.ManagedPolicyArns).map(renderText),
    trustStatements: statements(props.AssumeRolePolicyDocument),
  }));
  const iamPolicies: IamPolicy[] = [];
  // Inline policies of roles, users and groups alike (checkov reads all three).
  for (const type of ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']) {
    for (const [logicalId, props] of ctx.ofType(type)) {
      for (const p of toList(props.Policies)) {
        const policy = obj(p);
        iamPolicies.push({ id: `${id(logicalId)}#${String(policy?.PolicyName)}`, origin: origin(logicalId), statements: statements(policy?.PolicyDocument) });
      }
    }
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [logicalId, props] of ctx.ofType(type)) {
      iamPolicies.push({ id: id(logicalId), origin: origin(logicalId), statements: statements(props.PolicyDocument) });
    }
  }
  return { iamRoles, iamPolicies };
}
