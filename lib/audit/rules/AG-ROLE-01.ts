import { agentRule, agentSettingIs } from './_kit';

export default agentRule(
  {
    id: 'AG-ROLE-01',
    severity: 'medium',
    title: 'Task IAM roles disabled',
    sources: ['amazon-ecs-agent README', 'ECS BP IAM'],
    fix: "Remove ECS_ENABLE_TASK_IAM_ROLE=false (or set it to true) so each task gets its own role instead of the instance's.",
    inputs: ['template', 'live'],
  },
  {
    userData: (_ud, host) => (agentSettingIs(host, 'ECS_ENABLE_TASK_IAM_ROLE', 'false') ? 'user data sets ECS_ENABLE_TASK_IAM_ROLE=false' : undefined),
    instance: (ci) =>
      ci.attributes.includes('com.amazonaws.ecs.capability.task-iam-role')
        ? undefined
        : 'the agent did not register com.amazonaws.ecs.capability.task-iam-role',
  },
);
