import { containerRule, knownItems } from './_kit';

/** cdk-nag AwsSolutions-ECS2 fails any `environment`; here it is Info: settings are fine, secrets are TD-SEC-*. */
export default containerRule(
  {
    id: 'TD-ENV-01',
    severity: 'info',
    title: 'Plaintext environment used at all',
    sources: ['cdk-nag AwsSolutions-ECS2'],
    fix: 'Keep only non-secret settings in `environment`; anyone who can describe the task definition reads them.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const names = knownItems(c.environmentNames);
    return names.length ? `${names.length} plaintext environment variable(s): ${names.join(', ')} (values not shown)` : undefined;
  },
);
