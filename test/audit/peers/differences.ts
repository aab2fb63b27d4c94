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

export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [];

export function differenceFor(c: Comparison): DeliberateDifference | undefined {
  return DELIBERATE_DIFFERENCES.find((d) => d.check === c.check && d.matches(c));
}
