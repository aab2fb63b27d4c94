import { taskRule } from './_kit';

export default taskRule(
  {
    id: 'TD-IPC-01',
    severity: 'high',
    title: 'Host IPC namespace',
    sources: ['CIS Docker 5.17'],
    fix: 'Remove ipcMode host (use task or none).',
    inputs: ['template', 'task-definition', 'live'],
  },
  (td) => (td.ipcMode === 'host' ? "ipcMode is host: containers share the instance's shared memory and semaphores" : undefined),
);
