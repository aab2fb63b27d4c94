/** A row of the report's goals table, and the wording shared by the goals. */
import { range } from '../format';

export interface Goal {
  readonly name: string;
  readonly result: string;
  readonly goal: string;
  readonly met: boolean;
  readonly reason?: string;
}

/** For a met goal whose per-round ratios fall on both sides of it: say that the margin is within the noise. */
export function straddles(perRoundRatios: number[], goal: number, by: string, lowerIsBetter = false): string | undefined {
  const bad = perRoundRatios.filter((x) => (lowerIsBetter ? x > goal : x < goal)).length;
  if (!bad) return undefined;
  return `Met by the ${by}, but ${bad} of ${perRoundRatios.length} rounds alone would miss it (per round ${range(perRoundRatios)}): on this shared machine the margin is within the run-to-run noise.`;
}
