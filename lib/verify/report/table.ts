/** The terminal report: one row per probe, rendered with cli-table3 as the audit's table is (lib/audit/report/table.ts). */
import Table from 'cli-table3';
import { escapeControl } from '../../audit/untrusted-text';
import type { Outcome } from '../probe';
import type { VerifyReport } from '../run-verify';
import { summaryLine } from './summary-line';

const SHOWN: Record<Outcome, string> = { holds: 'holds', fails: 'FAILS', 'not-applicable': 'n/a' };

export function renderTable(report: VerifyReport, options: { width?: number } = {}): string {
  const width = Math.max(options.width ?? 160, 100);
  const fixed = [24, 8];
  const table = new Table({
    head: ['Probe', 'Result', 'Detail'],
    colWidths: [...fixed, width - fixed[0] - fixed[1] - 4],
    wordWrap: true,
    wrapOnWordBoundary: true,
    // No ANSI colours: the output is read in CI logs and files as often as in terminals.
    style: { head: [], border: [] },
  });
  // Details quote the server's answers: escaped so a header cannot restyle the terminal.
  for (const v of report.verdicts) table.push([v.id, SHOWN[v.outcome], v.detail].map((cell) => escapeControl(cell)));
  return `${table.toString()}\n${escapeControl(summaryLine(report))}\n`;
}
