/**
 * The rule set itself: one rule per file named after its id, complete metadata, the catalog's ids
 * and severities, and docs/audit-rules.md listing every rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SEVERITIES } from '../../lib/audit/model';
import { RULES } from '../../lib/audit/rules';

const REPO = path.join(__dirname, '..', '..');
const RULES_DIR = path.join(REPO, 'lib', 'audit', 'rules');

test('one rule per file: every rule file is listed, and its id is its file name', () => {
  const files = readdirSync(RULES_DIR)
    .filter((f) => /^[A-Z0-9]+-.+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''));
  expect(RULES.map((r) => r.id).sort()).toEqual(files.sort());
  for (const id of files) expect(require(path.join(RULES_DIR, id)).default.id).toBe(id);
});

test('every rule prefix has its test file in test/audit/rules/ (AG.test.ts, IAM-KMS-SM.test.ts and so on)', () => {
  const tested = new Set(readdirSync(path.join(__dirname, 'rules')).flatMap((f) => (f.endsWith('.test.ts') ? f.replace(/\.test\.ts$/, '').split('-') : [])));
  const prefixes = new Set(RULES.map((r) => r.id.split('-')[0]));
  expect([...prefixes].filter((p) => !tested.has(p))).toEqual([]);
});

test('every rule has a severity, a title, sources, a one-line fix and its inputs', () => {
  for (const r of RULES) {
    expect(SEVERITIES).toContain(r.severity);
    expect(r.title.length).toBeGreaterThan(5);
    expect(r.sources.length).toBeGreaterThan(0);
    expect(r.fix).toMatch(/^[A-Z].*\.$/);
    expect(r.fix).not.toContain('\n');
    expect(r.inputs.length).toBeGreaterThan(0);
  }
});

// The rule catalog this audit implements, kept in the repository so the check always runs.
const CATALOG = path.join(REPO, 'docs', 'reference', 'security-benchmark.md');
test("ids and severities are the catalog's (TD-MNT-01 is High, Critical when read-write)", () => {
  const rows = [...readFileSync(CATALOG, 'utf8').matchAll(/^\| ([A-Z0-9]+-[A-Z0-9]+(?:-\d+)?) \| [^|]+ \| ([A-Za-z]+)/gm)];
  const catalog = new Map(rows.map((m) => [m[1], m[2].toLowerCase()]));
  expect([...catalog.keys()].sort()).toEqual(RULES.map((r) => r.id).sort());
  for (const r of RULES) expect([r.id, r.severity]).toEqual([r.id, catalog.get(r.id)]);
});

test('docs/audit-rules.md lists every rule with its severity and fix', () => {
  const docs = readFileSync(path.join(REPO, 'docs', 'audit-rules.md'), 'utf8');
  for (const r of RULES) {
    const row = docs.split('\n').find((line) => line.includes(`</a>${r.id} |`));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${r.severity} |`);
    expect(row).toContain(r.fix.replace(/\|/g, '\\|'));
  }
});
