/** A row of the report's goals table, and the wording shared by the goals. */
import { range } from '../format';

export interface Goal {
  readonly name: string;
  readonly result: string;
  readonly goal: string;
  readonly met: boolean;
  readonly reason?: string;
  /** The run did not measure it (a section left out with `--only`, a part quick mode skips): neither met nor missed. */
  readonly notMeasured?: boolean;
}

/** What the report says for a goal that was not measured. */
export const NOT_MEASURED_IN_RUN = 'not measured in this run';

/** The goal as a run that did not measure it reports it: its name and target, no result, neither met nor missed. */
export const notMeasuredGoal = (g: Pick<Goal, 'name' | 'goal'>, what?: string): Goal => ({
  name: g.name,
  goal: g.goal,
  result: NOT_MEASURED_IN_RUN,
  met: false,
  notMeasured: true,
  reason: what ? `${NOT_MEASURED_IN_RUN}: ${what}` : undefined,
});

/** The "met" cell and the closing-note verdict of a goal. */
export const verdict = (g: Goal): { cell: string; word: string } =>
  g.notMeasured ? { cell: NOT_MEASURED_IN_RUN, word: NOT_MEASURED_IN_RUN } : g.met ? { cell: 'yes', word: 'met' } : { cell: '**no**', word: 'missed' };

/** For a met goal whose per-round ratios fall on both sides of it: say that the margin is within the noise. */
export function straddles(perRoundRatios: number[], goal: number, by: string, lowerIsBetter = false): string | undefined {
  const bad = perRoundRatios.filter((x) => (lowerIsBetter ? x > goal : x < goal)).length;
  if (!bad) return undefined;
  return `Met by the ${by}, but ${bad} of ${perRoundRatios.length} rounds alone would miss it (per round ${range(perRoundRatios)}): on this shared machine the margin is within the run-to-run noise.`;
}
