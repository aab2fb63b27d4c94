/**
 * The shape of a rule's tests, as cdk-nag's test/rules/<Service>.test.ts: compliant,
 * non-compliant and not-applicable cases, one file per rule prefix. A non-compliant case passes
 * only when every finding's message names the field that fails (`field`), so a rule that reports
 * the wrong thing, or nothing useful, fails its test.
 */
import type { AuditModel } from '../../../lib/audit/model';
import { RULES } from '../../../lib/audit/rules';

export interface Cases {
  /** What every non-compliance message names: the setting, property or instruction at fault. */
  readonly field: RegExp;
  readonly compliant: [string, () => AuditModel][];
  readonly nonCompliant: [string, () => AuditModel][];
  readonly notApplicable: [string, () => AuditModel][];
}

/** The rules whose id starts with one of `prefixes` (`EC2` matches EC2-*, not ECR-*). */
function rulesWithPrefix(prefixes: readonly string[]) {
  return RULES.filter((r) => prefixes.includes(r.id.replace(/-[^-]+$/, '').replace(/-.*/, '')));
}

export function ruleSuite(prefixes: readonly string[], cases: Record<string, Cases>): void {
  const rules = rulesWithPrefix(prefixes);

  test(`every ${prefixes.join('/')} rule has test cases`, () => {
    expect(Object.keys(cases).sort()).toEqual(rules.map((r) => r.id).sort());
  });

  describe.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const c = cases[rule.id];
    for (const [name, model] of c.compliant) {
      test(`Compliance: ${name}`, () => {
        expect(rule.check(model()).findings).toEqual([]);
        expect(rule.check(model()).compliance).toBe('compliant');
      });
    }
    for (const [name, model] of c.nonCompliant) {
      test(`Noncompliance: ${name}`, () => {
        const result = rule.check(model());
        expect(result.compliance).toBe('non-compliant');
        for (const finding of result.findings) expect(finding.message).toMatch(c.field);
      });
    }
    for (const [name, model] of c.notApplicable) {
      test(`Not applicable: ${name}`, () => {
        expect(rule.check(model()).compliance).toBe('not-applicable');
      });
    }
  });
}
