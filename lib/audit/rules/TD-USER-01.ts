import { isUnknown } from '../model';
import { containerRule, ROOT_NAMES, splitUser } from './_kit';

/**
 * ECS.20 fails an unset, `root` or `0` user in the formats user, uid, user:group and uid:gid
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20). An unresolved
 * intrinsic is not assumed to be root.
 */
export default containerRule(
  {
    id: 'TD-USER-01',
    severity: 'high',
    title: 'Container runs as root / user missing',
    sources: ['CIS Docker 4.1, 5.x', 'Security Hub ECS.20 (ECS.1)', 'CT.ECS.PR.3', 'cdk-nag *-ECSTaskDefinitionUserForHostMode (host mode only)'],
    fix: 'Set `user` to a numeric non-root uid:gid (for example 1000:1000) that the image can run as.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    if (isUnknown(c.user)) return undefined;
    if (c.user === undefined || c.user.trim() === '') return "user is not set: the container runs as the image's user, root unless the image says otherwise";
    const { user } = splitUser(c.user.trim());
    return ROOT_NAMES.has(user.toLowerCase()) ? `user "${c.user}" runs the container as root` : undefined;
  },
);
