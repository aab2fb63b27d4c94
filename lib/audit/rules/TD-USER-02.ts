import { containerRule, known, ROOT_NAMES, splitUser } from './_kit';

/** cdk-nag's UserForHostMode rejects a root part on either side of the colon; a root group alone is Low here. */
export default containerRule(
  {
    id: 'TD-USER-02',
    severity: 'low',
    title: 'Primary group is root (GID 0)',
    sources: ['cdk-nag *-ECSTaskDefinitionUserForHostMode'],
    fix: 'Use a non-zero group in `user` (uid:gid), so files the process creates are not group-owned by root.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const user = known(c.user);
    const group = user ? splitUser(user.trim()).group : undefined;
    return group !== undefined && ROOT_NAMES.has(group.toLowerCase()) ? `user "${user}" has root as its primary group` : undefined;
  },
);
