/**
 * The audit agrees with checkov and prowler wherever they check the same thing (docs/audit-rules.md
 * "Peer checks"): for
 * each resource a peer judged, the equivalent rule (./peer-checks.ts) flags it exactly when the
 * peer fails it, except the documented deliberate differences (./differences.ts).
 *
 * The rebuilt scenarios (./scenarios.ts) always run. checkov's own test inputs run when they have
 * been converted from a local checkout (./README.md); they are not committed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAudit } from '../../../lib/audit/engine';
import { loadCloudFormation } from '../../../lib/audit/sources/cloudformation';
import { RULES } from '../../../lib/audit/rules';
import { differenceFor } from './differences';
import { CONDITIONAL_LISTENER, SCENARIOS } from './scenarios';
import { comparer, type PeerVerdict } from './verdicts';
import { tempDir } from '../../helpers/temp-dir';

const ruleExists = (id: string) => RULES.some((r) => r.id === id);
const describeVerdict = (v: PeerVerdict) => `${v.check} ${v.input} ${v.resource}: ${v.peer} ${v.verdict}s it`;

describe('rebuilt peer scenarios', () => {
  const dir = tempDir('audit-peers-');
  for (const s of SCENARIOS) writeFileSync(path.join(dir, s.file), s.content);
  const compare = comparer(dir, ruleExists);
  test.each(SCENARIOS.map((s) => [describeVerdict(s.verdict), s.verdict] as const))('%s, and so does the audit', (_name, verdict) => {
    const c = compare(verdict);
    expect(c.rules.length).toBeGreaterThan(0);
    expect(c.refused).toBeUndefined();
    expect(c.flagged).toBe(verdict.verdict === 'fail');
  });

  test('a finding read with a parameter default says so', () => {
    const s = SCENARIOS.find((x) => x.content.includes('SSHLocation') && x.verdict.verdict === 'fail')!;
    const finding = runAudit(loadCloudFormation(path.join(dir, s.file))).findings.find((f) => f.ruleId === 'EC2-SG-01');
    expect(finding?.message).toMatch(/read with the default of parameter SSHLocation/);
  });

  test('a conditional listener action (Fn::If of a redirect and a forward) produces no finding', () => {
    const file = path.join(dir, 'conditional.template.json');
    writeFileSync(file, CONDITIONAL_LISTENER);
    const result = runAudit(loadCloudFormation(file));
    expect(result.compliance['ELB-TLS-01']).toBe('compliant');
  });
});

const CONVERTED = path.join(__dirname, 'inputs', 'checkov');
const converted = existsSync(path.join(CONVERTED, 'verdicts.json'))
  ? (JSON.parse(readFileSync(path.join(CONVERTED, 'verdicts.json'), 'utf8')) as { verdicts: PeerVerdict[] }).verdicts
  : [];

(converted.length ? describe : describe.skip)("checkov's own test inputs (converted by ./convert.ts)", () => {
  const compare = comparer(CONVERTED, ruleExists);
  test.each(converted.map((v) => [describeVerdict(v), v] as const))('%s', (_name, verdict) => {
    const c = compare(verdict);
    // Disagreeing is allowed only where docs/audit-rules.md documents why.
    expect({ agrees: c.agrees || differenceFor(c) !== undefined, refused: c.refused }).toEqual({ agrees: true, refused: undefined });
  });
});
