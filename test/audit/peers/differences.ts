/**
 * Resources where the audit and a peer disagree on purpose, each with the reason (docs/audit-rules.md,
 * "Peer checks"). The peer suite fails on any other disagreement.
 */
import type { Comparison } from './verdicts';

export interface DeliberateDifference {
  readonly check: string;
  /** Matches the resource (logical id or Dockerfile path) and its input file. */
  readonly matches: (c: Pick<Comparison, 'input' | 'resource' | 'verdict' | 'flagged'>) => boolean;
  readonly reason: string;
}

export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    check: 'CKV_AWS_24',
    matches: (c) => c.verdict === 'pass' && c.flagged,
    reason:
      'EC2-SG-01 flags ingress from anywhere on any port (checkov: only when the range covers 22, 3389 or 80), so a world-open rule on another or an inverted port range is flagged',
  },
  ...['CKV_AWS_66', 'CKV_AWS_158'].map((check) => ({
    check,
    matches: (c: Pick<Comparison, 'verdict' | 'flagged'>) => c.verdict === 'pass' && c.flagged,
    reason: 'CWL-01 asks for retention and a KMS key together (the catalog has one rule); checkov passes a log group that has the one its check reads',
  })),
];

export function differenceFor(c: Comparison): DeliberateDifference | undefined {
  return DELIBERATE_DIFFERENCES.find((d) => d.check === c.check && d.matches(c));
}
