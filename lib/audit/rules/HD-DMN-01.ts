import { activeUserData, agentRule } from './_kit';

/** Unsafe daemon settings, in daemon.json (JSON, or Python literals as our script writes) or dockerd flags. */
const UNSAFE: [RegExp, string][] = [
  [/"insecure-registries"|--insecure-registry/, 'insecure registries (CIS 2.5)'],
  [/"experimental"\s*:\s*(true|True)|--experimental\b/, 'experimental features (CIS 2.18)'],
  [/"iptables"\s*:\s*(false|False)|--iptables[= ]false/, 'iptables management turned off (CIS 2.4)'],
  [/"storage-driver"\s*:\s*"aufs"|--storage-driver[= ]aufs/, 'the aufs storage driver (CIS 2.6)'],
];

export default agentRule(
  {
    id: 'HD-DMN-01',
    severity: 'high',
    title: 'Unsafe daemon.json',
    sources: ['CIS Docker 2.4, 2.5, 2.6, 2.7, 2.18'],
    fix: 'Remove insecure-registries, experimental, iptables:false, aufs and unauthenticated tcp hosts from the Docker daemon settings.',
    inputs: ['template'],
  },
  {
    userData: (ud) => {
      const text = activeUserData(ud);
      const found = UNSAFE.filter(([pattern]) => pattern.test(text)).map(([, what]) => `the Docker daemon is configured with ${what}`);
      // CIS 2.7: a TCP socket needs TLS verification.
      if (/tcp:\/\//.test(text) && /"hosts"|-H\s+tcp:|--host[= ]tcp:/.test(text) && !/tlsverify/.test(text))
        found.push('the Docker daemon listens on TCP without tlsverify (CIS 2.7)');
      return found;
    },
  },
);
