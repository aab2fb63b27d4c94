import { containerRule } from './_kit';

export default containerRule(
  {
    id: 'TD-TTY-01',
    severity: 'low',
    title: 'Interactive/TTY container',
    sources: ['our addition'],
    fix: 'Remove interactive and pseudoTerminal: a service container needs neither stdin nor a TTY.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => (c.interactive === true || c.pseudoTerminal === true ? `${c.interactive === true ? 'interactive' : 'pseudoTerminal'} is true` : undefined),
);
