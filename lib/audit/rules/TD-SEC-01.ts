import { containerRule, knownItems } from './_kit';

/** ECS.8's exact key list. */
export const AWS_CREDENTIAL_VARIABLES = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ECS_ENGINE_AUTH_DATA']);

/** Messages name the variable only: the value may be a live secret. */
export default containerRule(
  {
    id: 'TD-SEC-01',
    severity: 'critical',
    title: 'AWS credentials in environment',
    sources: ['Security Hub ECS.8', 'CT.ECS.PR.12', 'Config ecs-no-environment-secrets', 'CIS Docker 4.10'],
    fix: 'Remove the variable: use the task role for AWS access, and `secrets` (Secrets Manager) for anything else.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) =>
    knownItems(c.environmentNames)
      .filter((n) => AWS_CREDENTIAL_VARIABLES.has(n.toUpperCase()))
      .map((n) => `environment sets ${n} in plain text (value not shown)`),
);
