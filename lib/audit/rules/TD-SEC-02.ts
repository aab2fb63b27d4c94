import { AWS_CREDENTIAL_VARIABLES } from './TD-SEC-01';
import { containerRule, knownItems } from './_kit';

/**
 * Names that usually hold secrets (catalog TD-SEC-02; DF-SEC-01 uses the same pattern). Values
 * shaped like a secret under any name count too (prowler's ecs_task_definitions_no_environment_secrets
 * reads values with detect-secrets).
 */
export const SECRET_LIKE_NAME = /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

export default containerRule(
  {
    id: 'TD-SEC-02',
    severity: 'high',
    title: 'Secret-like plaintext env var',
    sources: ['CIS Docker 4.10', 'cdk-nag AwsSolutions-ECS2 rationale', 'prowler ecs_task_definitions_no_environment_secrets', 'Security Hub ECS.8'],
    fix: 'Move the value to Secrets Manager or SSM Parameter Store and reference it with `secrets` instead of `environment`.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const byName = knownItems(c.environmentNames).filter((n) => SECRET_LIKE_NAME.test(n) && !AWS_CREDENTIAL_VARIABLES.has(n.toUpperCase()));
    // The value's shape was recognised by the source, which kept only its kind (lib/audit/sources/secret-shapes.ts).
    const byValue = (c.environmentSecretShapes ?? []).filter((s) => !byName.includes(s.name) && !AWS_CREDENTIAL_VARIABLES.has(s.name.toUpperCase()));
    return [
      ...byName.map((n) => `environment variable ${n} looks like a secret and is stored in plain text (value not shown)`),
      ...byValue.map((s) => `environment variable ${s.name} holds a value shaped like ${s.kind}, in plain text (value not shown)`),
    ];
  },
);
