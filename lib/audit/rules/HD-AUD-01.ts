import { activeUserData, agentRule } from './_kit';

/** The paths CIS Docker 1.1.3–1.1.18 watch (docker-bench remediation strings; catalog §2.1). */
const CIS_AUDIT_PATHS = [
  '/usr/bin/dockerd',
  '/run/containerd',
  '/var/lib/docker',
  '/etc/docker',
  'docker.service',
  'containerd.sock',
  'docker.socket',
  '/etc/default/docker',
  '/etc/docker/daemon.json',
  '/etc/containerd/config.toml',
  '/etc/sysconfig/docker',
  '/usr/bin/containerd',
  '/usr/bin/containerd-shim',
  'containerd-shim-runc-v1',
  'containerd-shim-runc-v2',
  '/usr/bin/runc',
];

/**
 * The user data must write audit rules (auditctl, augenrules or /etc/audit/rules.d) that name every
 * path. Paths are looked for as text, so a loop over them (lib/host/instance-user-data.sh) passes.
 */
export default agentRule(
  {
    id: 'HD-AUD-01',
    severity: 'medium',
    title: 'Docker auditd rules missing',
    sources: ['CIS Docker 1.1.3–1.1.18'],
    fix: 'Write auditd watch rules (-w PATH -k docker) for the CIS 1.1.3–1.1.18 paths to /etc/audit/rules.d and load them.',
    inputs: ['template'],
  },
  {
    userData: (ud) => {
      const text = activeUserData(ud);
      if (!/auditctl|augenrules|\/etc\/audit\//.test(text)) return 'user data installs no auditd rules for Docker';
      const missing = CIS_AUDIT_PATHS.filter((p) => !text.includes(p));
      return missing.length ? `auditd rules do not watch ${missing.join(', ')}` : undefined;
    },
  },
);
