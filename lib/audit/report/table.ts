/** The terminal report: one row per finding, rendered with cli-table3 (https://github.com/cli-table/cli-table3). */
import Table from 'cli-table3';
import type { AuditResult } from '../engine';
import { summaryLine } from './summary-line';

export interface TableOptions {
  /** Terminal width to wrap to. @default 160 */
  readonly width?: number;
}

export function renderTable(result: AuditResult, options: TableOptions = {}): string {
  if (result.findings.length === 0) return `No findings.\n${summaryLine(result)}\n`;
  const width = Math.max(options.width ?? 160, 100);
  // Fixed narrow columns; resource and message share the rest (cli-table3 counts borders too).
  const fixed = [10, 14, 14];
  const rest = width - fixed.reduce((a, b) => a + b, 0) - 6;
  const table = new Table({
    head: ['Severity', 'Rule', 'Container', 'Resource', 'Finding'],
    colWidths: [fixed[0], fixed[1], fixed[2], Math.floor(rest * 0.35), Math.ceil(rest * 0.65)],
    wordWrap: true,
    wrapOnWordBoundary: true,
    // No ANSI colours: the output is read in CI logs and files as often as in terminals.
    style: { head: [], border: [] },
  });
  for (const f of result.findings) {
    const message = f.acknowledged ? `${f.message}\n[acknowledged] ${f.reason}` : f.message;
    table.push([f.acknowledged ? `(${f.severity})` : f.severity, f.ruleId, f.container ?? '', f.resource, message]);
  }
  return `${table.toString()}\n${summaryLine(result)}\n`;
}
