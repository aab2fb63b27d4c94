import { taskRule } from './_kit';

/** Host networking also shares the host's UTS namespace (CIS 5.21, inference in the catalog). */
export default taskRule(
  {
    id: 'TD-NET-01',
    severity: 'high',
    title: 'Host network mode',
    sources: ['CIS Docker 5.10 (+5.21)', 'Security Hub ECS.17, ECS.1', 'cdk-nag *-ECSTaskDefinitionUserForHostMode', 'CT.ECS.PR.8'],
    fix: 'Use networkMode awsvpc (a task ENI with its own security group) instead of host.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (td) => (td.networkMode === 'host' ? "networkMode is host: the task shares the instance's network stack and hostname" : undefined),
);
