import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'TS-NET-01',
    severity: 'high',
    title: 'Task set assigns public IP',
    sources: ['Security Hub ECS.16'],
    fix: "Set the task set's assignPublicIp to DISABLED.",
    inputs: ['template', 'live'],
  },
  (m) => m.taskSets,
  (t) => (t.assignPublicIp === 'ENABLED' ? 'awsvpcConfiguration.assignPublicIp is ENABLED' : undefined),
);
