/**
 * Runs the rules over a model, applies acknowledgements and summarizes. Pure: no I/O, so the CLI,
 * the synth-time validation plugin and the tests all get the same answer for the same model.
 */
import { type Acknowledgement, matches } from './acknowledgements';
import { type AuditModel, type Origin, SEVERITIES, type Severity, severityRank } from './model';
import { type Compliance, type Rule, RULES } from './rules';
import { redactUrls } from './untrusted-text';

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly resource: string;
  readonly container?: string;
  readonly message: string;
  readonly acknowledged?: true;
  readonly reason?: string;
  /** Not in the JSON findings (they keep the shape); reports take it from the rule. */
  readonly fix: string;
  readonly origin?: Origin;
  readonly line?: number;
}

export interface Summary {
  /** All findings, acknowledged ones included. */
  readonly total: number;
  readonly unacknowledged: number;
  readonly acknowledged: number;
  /** Unacknowledged findings per severity. */
  readonly bySeverity: Record<Severity, number>;
  readonly acknowledgedBySeverity: Record<Severity, number>;
  readonly failOn: Severity;
  /** An unacknowledged finding is at or above `failOn`: the CLI exits 1. */
  readonly failed: boolean;
  readonly rules: { readonly evaluated: number; readonly compliant: number; readonly nonCompliant: number; readonly notApplicable: number };
  /** Acknowledgements that matched nothing (stale: the finding is gone, or the pattern is wrong). */
  readonly unusedAcknowledgements: readonly Acknowledgement[];
}

export interface AuditResult {
  readonly findings: readonly Finding[];
  readonly summary: Summary;
  /** Each rule's outcome, by id. */
  readonly compliance: Readonly<Record<string, Compliance>>;
  readonly rules: readonly Rule[];
}

export interface AuditOptions {
  readonly acknowledgements?: readonly Acknowledgement[];
  /** @default 'high' (the default for --fail-on) */
  readonly failOn?: Severity;
  /** @default every rule */
  readonly rules?: readonly Rule[];
}

function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Highest severity first, then rule, resource and container, so reports are stable. */
function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resource.localeCompare(b.resource) ||
    (a.container ?? '').localeCompare(b.container ?? '') ||
    a.message.localeCompare(b.message)
  );
}

export function runAudit(model: AuditModel, options: AuditOptions = {}): AuditResult {
  const rules = options.rules ?? RULES;
  const acknowledgements = options.acknowledgements ?? [];
  const failOn = options.failOn ?? 'high';
  const used = new Set<Acknowledgement>();
  const compliance: Record<string, Compliance> = {};
  const findings: Finding[] = [];

  for (const rule of rules) {
    const result = rule.check(model);
    compliance[rule.id] = result.compliance;
    for (const f of result.findings) {
      const base = {
        ruleId: rule.id,
        severity: f.severity ?? rule.severity,
        title: rule.title,
        resource: f.resource,
        ...(f.container !== undefined ? { container: f.container } : {}),
        // Messages quote the input (an ADD URL, a WORKDIR): credentials in URLs never reach a report (D4).
        message: redactUrls(f.message),
        fix: rule.fix,
        origin: f.origin,
        line: f.line ?? f.origin?.line,
      };
      const ack = acknowledgements.find((a) => matches(a, base));
      if (ack) used.add(ack);
      findings.push(ack ? { ...base, acknowledged: true, reason: ack.reason } : base);
    }
  }
  findings.sort(compareFindings);

  const open = findings.filter((f) => !f.acknowledged);
  const outcomes = Object.values(compliance);
  return {
    findings,
    compliance,
    rules,
    summary: {
      total: findings.length,
      unacknowledged: open.length,
      acknowledged: findings.length - open.length,
      bySeverity: countBySeverity(open),
      acknowledgedBySeverity: countBySeverity(findings.filter((f) => f.acknowledged)),
      failOn,
      failed: open.some((f) => severityRank(f.severity) >= severityRank(failOn)),
      rules: {
        evaluated: outcomes.length,
        compliant: outcomes.filter((c) => c === 'compliant').length,
        nonCompliant: outcomes.filter((c) => c === 'non-compliant').length,
        notApplicable: outcomes.filter((c) => c === 'not-applicable').length,
      },
      unusedAcknowledgements: acknowledgements.filter((a) => !used.has(a)),
    },
  };
}
