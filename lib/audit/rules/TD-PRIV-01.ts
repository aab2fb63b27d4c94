import { containerRule } from './_kit';

/** Privileged containers get every capability and all host devices (CIS Docker 5.5). */
export default containerRule(
  {
    id: 'TD-PRIV-01',
    severity: 'critical',
    title: 'Container is privileged',
    sources: [
      'CIS Docker 5.5',
      'Security Hub ECS.4 (ECS.1)',
      'CT.ECS.PR.11',
      'Config ecs-containers-nonprivileged',
      'checkov CKV_AWS_334 (Terraform)',
      'ECS BP',
    ],
    fix: 'Remove `privileged: true`; add only the capability the container needs with linuxParameters.capabilities.add.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => (c.privileged === true ? "privileged is true: the container has every capability and the host's devices" : undefined),
);
