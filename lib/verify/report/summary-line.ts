import type { VerifyReport } from '../run-verify';

/** One line for the end of the table and for stderr: the verdict, and the failed probes by id. */
export function summaryLine(report: VerifyReport): string {
  const failed = report.verdicts.filter((v) => v.outcome === 'fails').map((v) => v.id);
  const held = report.verdicts.filter((v) => v.outcome === 'holds').length;
  const cost = `${report.requests} request${report.requests === 1 ? '' : 's'} in ${(report.ms / 1000).toFixed(1)} s`;
  return failed.length === 0
    ? `verify ${report.url}: every probe holds (${held} held; ${cost}): PASS`
    : `verify ${report.url}: ${failed.length} of ${held + failed.length} probes fail: ${failed.join(', ')} (${cost}): FAIL`;
}
