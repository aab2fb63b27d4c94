/**
 * Markdown for a pull-request comment: a verdict line, counts, open findings with their fix, and the
 * acknowledged ones folded away in a <details> block (GitHub renders it collapsed).
 */
import type { AuditResult, Finding } from '../engine';
import { SEVERITIES } from '../model';
import { escapeControl } from '../untrusted-text';

/** A table cell: no pipes or line breaks, which would break the row, and no control characters. */
function cell(text: string): string {
  return escapeControl(text.replace(/\r?\n/g, ' ')).replace(/\|/g, '\\|');
}

/**
 * Text from the input as a code span, where GitHub renders no mention, link, image, emphasis or HTML
 * (`WORKDIR @octocat ![x](https://…) </details>` stays those characters: D16). A backtick inside
 * would end the span, so it becomes a quote.
 */
function code(text: string): string {
  return text ? `\`${text.replace(/`/g, "'")}\`` : '';
}

function rows(findings: readonly Finding[], withReason: boolean): string[] {
  const head = withReason ? '| Severity | Rule | Resource | Container | Finding | Reason |' : '| Severity | Rule | Resource | Container | Finding | Fix |';
  return [
    head,
    '|---|---|---|---|---|---|',
    ...findings.map(
      (f) =>
        `| ${f.severity} | ${f.ruleId} | ${cell(code(f.resource))} | ${cell(code(f.container ?? ''))} | ${cell(code(f.message))} | ${withReason ? cell(code(f.reason ?? '')) : cell(f.fix)} |`,
    ),
  ];
}

export function renderMarkdown(result: AuditResult): string {
  const { summary } = result;
  const open = result.findings.filter((f) => !f.acknowledged);
  const acknowledged = result.findings.filter((f) => f.acknowledged);
  const lines = [
    `## secure-ecs audit: ${summary.failed ? '❌ failed' : '✅ passed'}`,
    '',
    `Fails on unacknowledged findings at **${summary.failOn}** or above. ${summary.rules.evaluated} rules evaluated: ` +
      `${summary.rules.compliant} compliant, ${summary.rules.nonCompliant} non-compliant, ${summary.rules.notApplicable} not applicable.`,
    '',
    '| | ' + SEVERITIES.join(' | ') + ' |',
    '|---|' + SEVERITIES.map(() => '---').join('|') + '|',
    '| open | ' + SEVERITIES.map((s) => summary.bySeverity[s]).join(' | ') + ' |',
    '| acknowledged | ' + SEVERITIES.map((s) => summary.acknowledgedBySeverity[s]).join(' | ') + ' |',
    '',
  ];
  if (open.length) lines.push('### Findings', '', ...rows(open, false), '');
  else lines.push('No open findings.', '');
  if (acknowledged.length) {
    lines.push(`<details><summary>${acknowledged.length} acknowledged finding(s)</summary>`, '', ...rows(acknowledged, true), '', '</details>', '');
  }
  return lines.join('\n');
}
