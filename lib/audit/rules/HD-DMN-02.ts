import { activeUserData, agentRule } from './_kit';

const HARDENING: [string, RegExp][] = [
  ['icc: false (CIS 2.2)', /"icc"\s*:\s*(false|False)/],
  ['log-level: info (CIS 2.3)', /"log-level"\s*:\s*"info"/],
  ['no-new-privileges: true (CIS 2.14)', /"no-new-privileges"\s*:\s*(true|True)/],
  ['live-restore: true (CIS 2.15)', /"live-restore"\s*:\s*(true|True)/],
  ['userland-proxy: false (CIS 2.16)', /"userland-proxy"\s*:\s*(false|False)/],
];

export default agentRule(
  {
    id: 'HD-DMN-02',
    severity: 'low',
    title: 'Daemon hardening absent',
    sources: ['CIS Docker 2.2, 2.3, 2.14, 2.15, 2.16'],
    fix: 'Write /etc/docker/daemon.json with icc false, log-level info, no-new-privileges, live-restore and userland-proxy false, then restart docker.',
    inputs: ['template'],
  },
  {
    userData: (ud) => {
      const text = activeUserData(ud);
      const missing = HARDENING.filter(([, pattern]) => !pattern.test(text)).map(([what]) => what);
      return missing.length ? `daemon.json lacks ${missing.join(', ')}` : undefined;
    },
  },
);
