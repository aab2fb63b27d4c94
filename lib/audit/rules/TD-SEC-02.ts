import { AWS_CREDENTIAL_VARIABLES } from './TD-SEC-01';
import { containerRule, knownItems } from './_kit';

/** Names that usually hold secrets (catalog TD-SEC-02; DF-SEC-01 uses the same pattern). */
export const SECRET_LIKE_NAME = /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

export default containerRule(
  {
    id: 'TD-SEC-02',
    severity: 'high',
    title: 'Secret-like plaintext env var',
    sources: ['CIS Docker 4.10', 'cdk-nag AwsSolutions-ECS2 rationale'],
    fix: 'Move the value to Secrets Manager or SSM Parameter Store and reference it with `secrets` instead of `environment`.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) =>
    knownItems(c.environmentNames)
      .filter((n) => SECRET_LIKE_NAME.test(n) && !AWS_CREDENTIAL_VARIABLES.has(n.toUpperCase()))
      .map((n) => `environment variable ${n} looks like a secret and is stored in plain text (value not shown)`),
);
