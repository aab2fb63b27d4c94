import { taskRule } from './_kit';

export default taskRule(
  {
    id: 'TD-PID-01',
    severity: 'high',
    title: 'Host PID namespace',
    sources: ['CIS Docker 5.16', 'Security Hub ECS.3', 'CT.ECS.PR.10', 'checkov CKV_AWS_335 (Terraform)'],
    fix: 'Remove pidMode host (use task, or leave it unset).',
    inputs: ['template', 'task-definition', 'live'],
  },
  (td) => (td.pidMode === 'host' ? 'pidMode is host: containers see and can signal every process on the instance' : undefined),
);
