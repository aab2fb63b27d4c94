import { agentRule, agentSettingIs } from './_kit';

/** The agent registers the privileged-container capability only when privileged is not disabled (catalog §2.5). */
export default agentRule(
  {
    id: 'AG-PRIV-01',
    severity: 'medium',
    title: 'Agent allows privileged',
    sources: ['ECS BP (recommends ECS_DISABLE_PRIVILEGED=true)', 'CIS Docker 5.5 defence in depth'],
    fix: 'Write ECS_DISABLE_PRIVILEGED=true to /etc/ecs/ecs.config in the instance user data.',
    inputs: ['template', 'live'],
  },
  {
    userData: (_ud, host) => (agentSettingIs(host, 'ECS_DISABLE_PRIVILEGED', 'true') ? undefined : 'user data does not set ECS_DISABLE_PRIVILEGED=true'),
    instance: (ci) =>
      ci.attributes.includes('com.amazonaws.ecs.capability.privileged-container')
        ? 'the agent registered com.amazonaws.ecs.capability.privileged-container: privileged tasks can run here'
        : undefined,
  },
);
