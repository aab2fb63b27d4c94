import { agentRule, agentSettingIs, anyHostNetworkTask } from './_kit';

export default agentRule(
  {
    id: 'AG-IMDS-03',
    severity: 'low',
    title: 'Host-network tasks get task-role creds',
    sources: ['ECS BP IAM (advises ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=false)'],
    fix: 'Set ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=false unless a host-mode task needs its task role.',
    inputs: ['template', 'live'],
  },
  {
    userData: (_ud, host, model) =>
      agentSettingIs(host, 'ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST', 'true') && !anyHostNetworkTask(model)
        ? 'ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true, but no task in the audit uses host networking'
        : undefined,
    // Bottlerocket's ECS variant fixes ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true and has no setting for it
    // (bottlerocket-core-kit packages/ecs-agent/ecs-defaults.conf).
    bottlerocket: (_s, _host, model) =>
      anyHostNetworkTask(model)
        ? undefined
        : "Bottlerocket's ECS variant always sets ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true (no setting turns it off), but no task in the audit uses host networking",
    instance: (ci, model) =>
      ci.attributes.includes('com.amazonaws.ecs.capability.task-iam-role-network-host') && !anyHostNetworkTask(model)
        ? 'the agent registered task-iam-role-network-host, but no task in the audit uses host networking'
        : undefined,
  },
);
