import { containerRule, knownItems } from './_kit';

/** Options that turn off AppArmor, SELinux labelling or seccomp (docker-bench 5.22 greps both separators). */
const UNCONFINED = /^(apparmor[:=]unconfined|label[:=]disable|seccomp[:=]unconfined)$/i;

export default containerRule(
  {
    id: 'TD-SECOPT-01',
    severity: 'high',
    title: 'MAC/seccomp confinement disabled',
    sources: ['CIS Docker 5.2, 5.3, 5.22'],
    fix: 'Remove apparmor:unconfined, label:disable and seccomp:unconfined from dockerSecurityOptions.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) =>
    knownItems(c.dockerSecurityOptions)
      .filter((o) => UNCONFINED.test(o.trim()))
      .map((o) => `dockerSecurityOptions has "${o}"`),
);
