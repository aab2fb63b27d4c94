/** Goals of the developer loop and the footprint: synth time against ts-node, and image sizes. */
import { f, mean, MB, range } from '../format';
import type { ImageSize } from '../footprint';
import type { HyperfineRun } from '../results';
import { notMeasuredGoal, straddles, type Goal } from './goal';

/** The synth goal's row, for a run that did not time it (quick mode, `--only` without devloop). */
export const SYNTH_GOAL = { name: 'cdk synth: tsx / ts-node', goal: '<= 0.4x' } as const;

/** `cdk synth` with tsx at most 0.4x of ts-node (means over the rounds); the floor, precompiled JavaScript, explains a miss. */
export function synthGoal(tsx: HyperfineRun, tsNode: HyperfineRun, floor?: HyperfineRun): Goal {
  const ratio = mean(tsx.timesS) / mean(tsNode.timesS);
  const ok = ratio <= 0.4;
  const floorShare = floor ? mean(floor.timesS) / mean(tsNode.timesS) : NaN;
  return {
    name: SYNTH_GOAL.name,
    result: `${f(ratio)}x (${f(mean(tsx.timesS))} s vs ${f(mean(tsNode.timesS))} s, means; per round ${range(tsx.timesS.map((t, i) => t / tsNode.timesS[i]))})`,
    goal: SYNTH_GOAL.goal,
    met: ok,
    reason: ok
      ? straddles(
          tsx.timesS.map((t, i) => t / tsNode.timesS[i]),
          0.4,
          'mean',
          true,
        )
      : floor
        ? `Most of a synth is not TypeScript loading. The same app precompiled to JavaScript (no loader at all) takes ${f(mean(floor.timesS))} s, ` +
          `${f(floorShare)}x of the ts-node time${floorShare > 0.4 ? ', so no TypeScript loader can reach 0.4x' : ''}: the CDK CLI, building the construct tree, ` +
          `CloudFormation validation, cdk-nag and the audit plugin dominate. The loaders themselves cost ${f(mean(tsx.timesS) - mean(floor.timesS))} s (tsx) ` +
          `and ${f(mean(tsNode.timesS) - mean(floor.timesS))} s (ts-node, which type-checks): tsx removes ${f(((mean(tsNode.timesS) - mean(tsx.timesS)) / (mean(tsNode.timesS) - mean(floor.timesS))) * 100, 0)}% of the loader time. ` +
          `To reach 0.4x (${f(0.4 * mean(tsNode.timesS))} s) a loader could add at most ${f(0.4 * mean(tsNode.timesS) - mean(floor.timesS))} s to the floor; the project's tsx command adds ${f(mean(tsx.timesS) - mean(floor.timesS))} s (starting tsx's loader, and transpiling the app and its imports).`
        : 'no floor measured',
  };
}

/** The largest image each container may have, bytes (uncompressed, as the engine stores it). */
export const IMAGE_SIZE_LIMITS: Readonly<Record<string, number>> = { app: 150e6, proxy: 100e6 };

/** One goal per image that has a limit; a limited image the run did not measure is "not measured". */
export function imageSizeGoals(images: ImageSize[], limits: Readonly<Record<string, number>> = IMAGE_SIZE_LIMITS): Goal[] {
  const row = (container: string, limit: number) => ({ name: `Image size: ${container}`, goal: `<= ${MB(limit).replace('.0 ', ' ')}` });
  const measuredGoals = images.flatMap((img) => {
    const limit = limits[img.container];
    if (limit === undefined) return [];
    const ok = img.bytes <= limit;
    return [{ ...row(img.container, limit), result: MB(img.bytes), met: ok, reason: ok ? undefined : `${MB(img.bytes - limit)} over` }];
  });
  const unmeasured = Object.entries(limits)
    .filter(([container]) => !images.some((i) => i.container === container))
    .map(([container, limit]) => notMeasuredGoal(row(container, limit)));
  return [...measuredGoals, ...unmeasured];
}
