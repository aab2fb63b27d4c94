import { containerRule } from './_kit';

/** `memoryReservation` alone is a soft limit and does not pass (CT.ECS.PR.7). */
export default containerRule(
  {
    id: 'TD-MEM-01',
    severity: 'medium',
    title: 'No hard memory limit',
    sources: ['CIS Docker 5.11', 'CT.ECS.PR.7', 'Config ecs-task-definition-memory-hard-limit', 'ECS BP'],
    fix: 'Set the container `memory` (hard limit, MiB) or the task-level `memory`.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c, td) =>
    c.memory === undefined && td.memory === undefined
      ? `neither the container nor the task sets a hard memory limit${c.memoryReservation !== undefined ? ' (memoryReservation is only a soft limit)' : ''}`
      : undefined,
);
