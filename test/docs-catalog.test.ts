/**
 * Every number the README and docs/audit-rules.md state about the audit catalog and about the app's
 * own audit result, pinned to the code (issue 19, "docs that are true"): the rule counts, the example
 * report, the app's acknowledged and open findings. A rule added or a finding fixed fails here until
 * the docs say so.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { acknowledgementsFromAssembly } from '../lib/audit/assembly-acknowledgements';
import { runAudit } from '../lib/audit/engine';
import { renderTable } from '../lib/audit/report/table';
import { RULES } from '../lib/audit/rules';
import { loadCloudFormation } from '../lib/audit/sources/cloudformation';
import { loadTaskDefinitionFile } from '../lib/audit/sources/task-definition-file';
import { synth } from './helpers/synth';

const ROOT = path.join(__dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const AUDIT_RULES = readFileSync(path.join(ROOT, 'docs', 'audit-rules.md'), 'utf8');

test('every rule count stated is the number of rules in lib/audit/rules', () => {
  const stated = [...`${README}\n${AUDIT_RULES}`.matchAll(/\b(\d+) (?:catalog )?rules\b/g)].map((m) => Number(m[1]));
  // The README's introduction and its example summary line, and the count in docs/audit-rules.md.
  expect(stated.length).toBeGreaterThanOrEqual(3);
  expect(new Set(stated)).toEqual(new Set([RULES.length]));
});

test("the README's example output is what the audit prints for its task definition", () => {
  const example = /\*\*Example output\*\*[^\n]*\n\n```\n([\s\S]*?)```/.exec(README)![1];
  const result = runAudit(loadTaskDefinitionFile(path.join(ROOT, 'test', 'audit', 'fixtures', 'td-privileged-root.register.json')));
  // The README's table is 100 columns wide, the narrowest the table renders.
  expect(example).toBe(renderTable(result, { width: 100 }));
});

test("the app's own audit: the acknowledged and open findings the README states", () => {
  const dir = synth({}, { pathMetadata: true }).assembly.directory;
  const result = runAudit(loadCloudFormation(dir), { acknowledgements: acknowledgementsFromAssembly(dir), failOn: 'medium' });
  const stated = /(\d+) acknowledged findings\s+\((\d+) high, (\d+) medium\) and (\d+) open low\/info ones/.exec(README.replace(/\s+/g, ' '))!;
  const acknowledged = result.findings.filter((f) => f.acknowledged);
  const open = result.findings.filter((f) => !f.acknowledged);
  expect({
    acknowledged: acknowledged.length,
    high: acknowledged.filter((f) => f.severity === 'high').length,
    medium: acknowledged.filter((f) => f.severity === 'medium').length,
    open: open.length,
    openAboveLow: open.filter((f) => !['low', 'info'].includes(f.severity)).length,
  }).toEqual({ acknowledged: Number(stated[1]), high: Number(stated[2]), medium: Number(stated[3]), open: Number(stated[4]), openAboveLow: 0 });
  // Each open finding's rule is named in the README's list (by id in a comment next to it).
  const listed = /<!-- open findings: ([A-Z0-9, -]+) -->/.exec(README)![1].split(/,\s*/);
  expect(listed.sort()).toEqual(open.map((f) => f.ruleId).sort());
}, 120_000);
