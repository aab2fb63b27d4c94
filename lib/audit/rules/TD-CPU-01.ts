import { containerRule } from './_kit';

export default containerRule(
  {
    id: 'TD-CPU-01',
    severity: 'low',
    title: 'No CPU allocation',
    sources: ['CIS Docker 5.12', 'ECS BP'],
    fix: 'Set task-level `cpu` (a hard cap) and container `cpu` shares.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c, td) => ((c.cpu === undefined || c.cpu === 0) && td.cpu === undefined ? 'neither the container (cpu shares) nor the task sets CPU' : undefined),
);
