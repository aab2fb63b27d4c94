/**
 * The JSON report, a contract (README "Verify a deployment"):
 * `{ "url", "holds", "requests", "ms", "bounds": {...}, "probes": [{ id, title, outcome, detail, requests, ms }] }`.
 */
import { escapeControlInJson } from '../../audit/untrusted-text';
import type { VerifyReport } from '../run-verify';

export function renderJson(report: VerifyReport): string {
  const { url, holds, requests, ms, bounds, verdicts } = report;
  // DEL, C1 and bidi characters from the server's answers as \u escapes too: the report is also read with cat.
  return `${escapeControlInJson(JSON.stringify({ url, holds, requests, ms, bounds, probes: verdicts }, null, 2))}\n`;
}
