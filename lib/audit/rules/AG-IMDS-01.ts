import { bottlerocketSetting } from '../sources/bottlerocket-user-data';
import { agentRule, agentSettingIs } from './_kit';

/** https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#task-iam-role-considerations */
export default agentRule(
  {
    id: 'AG-IMDS-01',
    severity: 'high',
    title: 'awsvpc tasks can reach IMDS',
    sources: ['ECS developer guide, EC2 container instance security', 'ECS BP IAM'],
    fix: 'Write ECS_AWSVPC_BLOCK_IMDS=true to /etc/ecs/ecs.config in the instance user data.',
    inputs: ['template', 'live'],
  },
  {
    userData: (_ud, host) => (agentSettingIs(host, 'ECS_AWSVPC_BLOCK_IMDS', 'true') ? undefined : 'user data does not set ECS_AWSVPC_BLOCK_IMDS=true'),
    // settings.ecs.awsvpc-block-imds becomes ECS_AWSVPC_BLOCK_IMDS (bottlerocket-core-kit packages/ecs-agent/ecs-base-conf; default false).
    bottlerocket: (s) =>
      bottlerocketSetting(s, 'ecs.awsvpc-block-imds') === true ? undefined : 'Bottlerocket settings do not set settings.ecs.awsvpc-block-imds = true',
    instance: (ci) =>
      ci.attributes.includes('ecs.capability.task-eni-block-instance-metadata')
        ? undefined
        : 'the agent did not register ecs.capability.task-eni-block-instance-metadata: awsvpc tasks can reach the instance role',
  },
);
