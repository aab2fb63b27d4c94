import { exposesRuntimeSocket } from './TD-MNT-02';
import { containerRule, hostMounts, isUnder } from './_kit';

/** CIS 5.6's list (v1.7.0 adds /lib64), then the catalog's extended set. */
const SENSITIVE_HOST_PATHS = [
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/proc',
  '/sys',
  '/usr',
  '/run/systemd',
  '/var/lib/docker',
  '/var/lib/ecs',
  '/etc/ecs',
  '/root',
  '/home',
];

/** Critical when the mount is read-write, High when read-only (catalog). Socket paths are TD-MNT-02's only. */
export default containerRule(
  {
    id: 'TD-MNT-01',
    severity: 'high',
    title: 'Sensitive host dir mounted',
    sources: ['CIS Docker 5.6 (v1.7.0 list includes /lib64)', 'book: /run/systemd'],
    fix: 'Remove the host volume, or mount a narrow, non-sensitive path read-only.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c, td) =>
    hostMounts(c, td)
      .filter((m) => !exposesRuntimeSocket(m.path) && (m.path === '/' || SENSITIVE_HOST_PATHS.some((dir) => isUnder(m.path, dir))))
      .map((m) => ({
        message: `mounts sensitive host path ${m.path} (volume "${m.volume}") ${m.readOnly ? 'read-only' : 'read-write'}`,
        severity: m.readOnly ? ('high' as const) : ('critical' as const),
      })),
);
