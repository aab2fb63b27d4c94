import { containerRule, hasUnknown, knownItems } from './_kit';

/** Non-essential containers (sidecars, init steps) are exempt. */
export default containerRule(
  {
    id: 'TD-HC-01',
    severity: 'low',
    title: 'No health check',
    sources: ['CIS Docker 5.27, 4.6', 'checkov CKV_DOCKER_2 (Dockerfile)'],
    fix: 'Add healthCheck.command (exec form) so ECS replaces an unhealthy container.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) =>
    c.essential !== false && knownItems(c.healthCheckCommand).length === 0 && !hasUnknown(c.healthCheckCommand)
      ? 'essential container without healthCheck.command'
      : undefined,
);
