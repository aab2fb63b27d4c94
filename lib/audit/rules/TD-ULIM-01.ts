import { containerRule, hasUnknown, knownItems } from './_kit';

/** Both nofile and nproc must be set; the catalog's "lacks nofile and nproc" is read as "lacks either" (docs/audit-rules.md). */
export default containerRule(
  {
    id: 'TD-ULIM-01',
    severity: 'low',
    title: 'No ulimits',
    sources: ['CIS Docker 5.19 (manual), 2.8', 'CIS Docker 5.29 (nproc, partially)'],
    fix: 'Set ulimits for nofile and nproc on the container.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    if (hasUnknown(c.ulimits)) return undefined;
    const names = knownItems(c.ulimits).map((n) => n.toLowerCase());
    const missing = ['nofile', 'nproc'].filter((n) => !names.includes(n));
    return missing.length ? `ulimits ${c.ulimits === undefined ? 'are not set' : `lack ${missing.join(' and ')}`}` : undefined;
  },
);
