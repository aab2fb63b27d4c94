/** The terminal report: one row per finding, rendered with cli-table3 (https://github.com/cli-table/cli-table3). */
import Table from 'cli-table3';
import type { AuditResult, Finding } from '../engine';
import { escapeControl } from '../untrusted-text';
import { summaryLine } from './summary-line';

export interface TableOptions {
  /** Terminal width to wrap to. @default 160 */
  readonly width?: number;
}

/**
 * Rows per cli-table3 table. cli-table3 lays out a whole table at once, and its time grows faster
 * than its row count (11k rows took 7.8 s, 39k 63 s) and 20k rows overflowed its stack (D7, D15 of
 * the hostile-input findings). The columns have fixed widths, so tables of this many rows joined at
 * their borders print exactly what one table would, in time linear in the rows.
 */
export const ROWS_PER_BLOCK = 50;

/** A cell as a terminal shows it: input's control characters escaped, its line breaks kept for wrapping. */
const safe = (text: string) => escapeControl(text, { keepNewlines: true });

function row(f: Finding): string[] {
  const message = f.acknowledged ? `${f.message}\n[acknowledged] ${f.reason}` : f.message;
  return [f.acknowledged ? `(${f.severity})` : f.severity, f.ruleId, f.container ?? '', f.resource, message].map(safe);
}

export function renderTable(result: AuditResult, options: TableOptions = {}): string {
  if (result.findings.length === 0) return `No findings.\n${summaryLine(result)}\n`;
  const width = Math.max(options.width ?? 160, 100);
  // Fixed narrow columns; resource and message share the rest (cli-table3 counts borders too).
  const fixed = [10, 14, 14];
  const rest = width - fixed.reduce((a, b) => a + b, 0) - 6;
  const block = (first: boolean) =>
    new Table({
      ...(first ? { head: ['Severity', 'Rule', 'Container', 'Resource', 'Finding'] } : {}),
      colWidths: [fixed[0], fixed[1], fixed[2], Math.floor(rest * 0.35), Math.ceil(rest * 0.65)],
      wordWrap: true,
      wrapOnWordBoundary: true,
      // No ANSI colours: the output is read in CI logs and files as often as in terminals.
      style: { head: [], border: [] },
    });
  const lines: string[] = [];
  for (let start = 0; start < result.findings.length; start += ROWS_PER_BLOCK) {
    const table = block(start === 0);
    for (const f of result.findings.slice(start, start + ROWS_PER_BLOCK)) table.push(row(f));
    const drawn = table.toString().split('\n');
    if (start > 0) {
      // Join at the border: the previous block's bottom line becomes a row separator, this block's top goes.
      lines[lines.length - 1] = drawn[0].replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
      drawn.shift();
    }
    for (const line of drawn) lines.push(line);
  }
  return `${lines.join('\n')}\n${summaryLine(result)}\n`;
}
