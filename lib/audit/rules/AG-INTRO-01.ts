import { agentRule, agentSettingIs } from './_kit';

export default agentRule(
  {
    id: 'AG-INTRO-01',
    severity: 'medium',
    title: 'Agent introspection reachable',
    sources: ['amazon-ecs-agent README (ecs-init iptables defaults)'],
    fix: 'Remove ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS=true and ECS_SKIP_LOCALHOST_TRAFFIC_FILTER=true.',
    inputs: ['template'],
  },
  {
    userData: (_ud, host) =>
      ['ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS', 'ECS_SKIP_LOCALHOST_TRAFFIC_FILTER']
        .filter((name) => agentSettingIs(host, name, 'true'))
        .map((name) => `user data sets ${name}=true`),
  },
);
