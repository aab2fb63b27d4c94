import { containerRule, hasUnknown, knownItems } from './_kit';

/** Docker accepts `no-new-privileges`, `no-new-privileges:true` and `no-new-privileges=true`. */
const NO_NEW_PRIVILEGES = /^no-new-privileges([:=]true)?$/i;

export default containerRule(
  {
    id: 'TD-NNP-01',
    severity: 'medium',
    title: 'no-new-privileges not set',
    sources: ['CIS Docker 5.26 (daemon alternative 2.14)'],
    fix: 'Add "no-new-privileges" to dockerSecurityOptions, so setuid binaries cannot raise privileges.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) =>
    knownItems(c.dockerSecurityOptions).some((o) => NO_NEW_PRIVILEGES.test(o.trim())) || hasUnknown(c.dockerSecurityOptions)
      ? undefined
      : 'dockerSecurityOptions lacks no-new-privileges',
);
