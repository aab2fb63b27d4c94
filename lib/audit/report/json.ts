/**
 * The JSON report. Its shape is a contract (README "Security audit"; tests and users rely on it):
 * `{ "findings": [{ ruleId, severity, title, resource, container?, message, acknowledged?, reason? }], "summary": {...} }`,
 * plus `rules`: the id, title, severity, sources and one-line fix of each rule that reported something.
 */
import type { AuditResult, Finding, Summary } from '../engine';
import type { Rule } from '../rules';
import { escapeControlInJson } from '../untrusted-text';

/** A finding as the JSON report shows it: the README's keys only. */
export type JsonFinding = Pick<Finding, 'ruleId' | 'severity' | 'title' | 'resource' | 'container' | 'message' | 'acknowledged' | 'reason'>;

export interface JsonReport {
  readonly findings: JsonFinding[];
  /** The engine's summary, with the count of unused acknowledgements instead of the list. */
  readonly summary: Omit<Summary, 'unusedAcknowledgements'> & { readonly unusedAcknowledgements: number };
  readonly rules: Record<string, Pick<Rule, 'title' | 'severity' | 'sources' | 'fix'>>;
}

export function jsonReport(result: AuditResult): JsonReport {
  const { summary } = result;
  const reported = new Set(result.findings.map((f) => f.ruleId));
  return {
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      title: f.title,
      resource: f.resource,
      ...(f.container !== undefined ? { container: f.container } : {}),
      message: f.message,
      ...(f.acknowledged ? { acknowledged: true as const, reason: f.reason } : {}),
    })),
    summary: { ...summary, unusedAcknowledgements: summary.unusedAcknowledgements.length },
    rules: Object.fromEntries(
      result.rules.filter((r) => reported.has(r.id)).map((r) => [r.id, { title: r.title, severity: r.severity, sources: r.sources, fix: r.fix }]),
    ),
  };
}

export function renderJson(result: AuditResult): string {
  // Input's DEL, C1 and bidi characters as \u escapes too: the report is also read with cat (D16).
  return `${escapeControlInJson(JSON.stringify(jsonReport(result), null, 2))}\n`;
}
