import type { AuditResult } from '../engine';
import { SEVERITIES } from '../model';

/** "2 findings to fix (1 high, 1 low), 6 acknowledged; fails at high or above: FAIL". */
export function summaryLine(result: AuditResult): string {
  const { summary } = result;
  const counts = SEVERITIES.filter((s) => summary.bySeverity[s] > 0).map((s) => `${summary.bySeverity[s]} ${s}`);
  return (
    `${summary.unacknowledged} finding(s) to address${counts.length ? ` (${counts.join(', ')})` : ''}, ${summary.acknowledged} acknowledged; ` +
    `${summary.rules.evaluated} rules (${summary.rules.nonCompliant} non-compliant, ${summary.rules.notApplicable} not applicable); ` +
    `fails at ${summary.failOn} or above: ${summary.failed ? 'FAIL' : 'PASS'}`
  );
}
