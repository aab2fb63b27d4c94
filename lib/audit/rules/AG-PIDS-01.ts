import { agentRule, agentSetting } from './_kit';

export default agentRule(
  {
    id: 'AG-PIDS-01',
    severity: 'low',
    title: 'No per-task PIDs limit',
    sources: ['CIS Docker 5.29'],
    fix: 'Write ECS_TASK_PIDS_LIMIT (for example 256) to /etc/ecs/ecs.config, so a fork bomb stays inside its task.',
    inputs: ['template'],
  },
  {
    userData: (_ud, host) => (/\S/.test(agentSetting(host, 'ECS_TASK_PIDS_LIMIT') ?? '') ? undefined : 'user data does not set ECS_TASK_PIDS_LIMIT'),
    // No settings.ecs key maps to ECS_TASK_PIDS_LIMIT (bottlerocket-core-kit packages/ecs-agent/ecs-base-conf).
    bottlerocket: () => "Bottlerocket's ECS variant has no setting for ECS_TASK_PIDS_LIMIT: tasks have no PIDs limit beyond the kernel's",
  },
);
