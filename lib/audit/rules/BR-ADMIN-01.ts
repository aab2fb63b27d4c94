import { bottlerocketSetting } from '../sources/bottlerocket-user-data';
import { agentRule } from './_kit';

/**
 * The admin host container is a superpowered container with SSH and a root shell on the host
 * (bottlerocket shared-defaults/aws-host-containers.toml: superpowered = true; README "Admin
 * container"). Off by default; on is a finding.
 */
export default agentRule(
  {
    id: 'BR-ADMIN-01',
    severity: 'medium',
    title: 'Bottlerocket admin container on',
    sources: ['Bottlerocket SECURITY_GUIDANCE.md ("The admin host container provides SSH access and runs with superpowers")'],
    fix: 'Set settings.host-containers.admin.enabled = false (or leave it unset); use the control container (SSM) to reach the API.',
    inputs: ['template'],
  },
  {
    bottlerocket: (s) =>
      bottlerocketSetting(s, 'host-containers.admin.enabled') === true
        ? 'Bottlerocket settings set settings.host-containers.admin.enabled = true: a superpowered root shell with SSH runs on the host'
        : undefined,
  },
);
