import { bottlerocketSetting } from '../sources/bottlerocket-user-data';
import { agentRule, agentSetting } from './_kit';

export default agentRule(
  {
    id: 'AG-AUTH-01',
    severity: 'high',
    title: 'Registry creds in ecs.config',
    sources: ['Security Hub ECS.8 key list', 'ECS BP IAM'],
    fix: 'Remove ECS_ENGINE_AUTH_DATA; use ECR with the execution role, or repositoryCredentials backed by Secrets Manager.',
    inputs: ['template'],
  },
  {
    // settings.container-registry.credentials becomes ECS_ENGINE_AUTH_DATA (ecs-base-conf).
    bottlerocket: (s) =>
      bottlerocketSetting(s, 'container-registry.credentials') !== undefined
        ? 'Bottlerocket settings carry settings.container-registry.credentials: registry credentials in plain text in user data (value not shown)'
        : undefined,
    userData: (_ud, host) =>
      agentSetting(host, 'ECS_ENGINE_AUTH_DATA') !== undefined
        ? 'user data writes ECS_ENGINE_AUTH_DATA: registry credentials in plain text on the host (value not shown)'
        : undefined,
  },
);
