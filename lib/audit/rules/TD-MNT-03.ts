import { containerRule, hostMounts } from './_kit';

export default containerRule(
  {
    id: 'TD-MNT-03',
    severity: 'medium',
    title: 'Host bind mount is read-write',
    sources: ['CIS Docker 5.6 ("especially read-write")'],
    fix: 'Set `readOnly: true` on the mount point, or use a task-scoped volume instead of a host path.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c, td) =>
    hostMounts(c, td)
      .filter((m) => !m.readOnly)
      .map((m) => `host path ${m.path} (volume "${m.volume}") is mounted read-write`),
);
