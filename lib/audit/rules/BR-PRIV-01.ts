import { bottlerocketSetting } from '../sources/bottlerocket-user-data';
import { agentRule } from './_kit';

/**
 * AG-PRIV-01 for Bottlerocket hosts: settings.ecs.allow-privileged-containers becomes
 * ECS_PRIVILEGED_DISABLED, negated (bottlerocket-core-kit packages/ecs-agent/ecs-base-conf). Unset
 * is the variant default, false (bottlerocket shared-defaults/ecs.toml), so only `true` is a finding.
 * Live, AG-PRIV-01's attribute check covers Bottlerocket instances too (same agent).
 */
export default agentRule(
  {
    id: 'BR-PRIV-01',
    severity: 'medium',
    title: 'Bottlerocket allows privileged',
    sources: ['Bottlerocket SECURITY_GUIDANCE.md (Amazon ECS example)', 'ECS BP (ECS_DISABLE_PRIVILEGED)', 'CIS Docker 5.5 defence in depth'],
    fix: 'Set settings.ecs.allow-privileged-containers = false (or leave it unset) in the Bottlerocket user data.',
    inputs: ['template'],
  },
  {
    bottlerocket: (s) =>
      bottlerocketSetting(s, 'ecs.allow-privileged-containers') === true
        ? 'Bottlerocket settings set settings.ecs.allow-privileged-containers = true: privileged tasks can run here'
        : undefined,
  },
);
