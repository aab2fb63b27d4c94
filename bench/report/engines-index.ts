/**
 * docs/benchmarks.md: the index of the full runs, one per engine. Each engine's run writes its own
 * report under benchmarks/<engine>/ (README.md, its plots, its raw results.json); this page puts
 * their goals side by side, row by row, with the command that produced each. Pure.
 */
import { table } from '../format';
import { NOT_MEASURED_IN_RUN, type Goal } from '../goals';
import type { Results } from '../results';
import { engineName } from './setting';

export interface EngineRun {
  readonly results: Results;
  readonly goals: Goal[];
}

/** The folder of an engine's report, relative to the index. */
export const engineDir = (r: Results): string => `benchmarks/${r.engine ?? 'podman'}`;

const cell = (g: Goal | undefined) => (!g ? 'not measured' : g.notMeasured ? NOT_MEASURED_IN_RUN : `${g.result}: ${g.met ? 'met' : '**missed**'}`);

export function renderIndex(runs: EngineRun[]): string {
  const names = [...new Set(runs.flatMap((x) => x.goals.map((g) => g.name)))];
  const goalOf = (name: string) => runs.flatMap((x) => x.goals).find((g) => g.name === name)?.goal ?? '';
  const out: string[] = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts) from the full runs under [benchmarks/](benchmarks/): one per engine, each measured side by side in one run ' +
      '(variants alternating round by round), so compare ratios within a run, not absolute numbers across runs or engines. Do not edit by hand: rerun the bench.',
    '',
    '## The runs',
    '',
    table(
      ['engine', 'report', 'command', 'started', 'took', 'machine'],
      runs.map(({ results: r }) => [
        engineName(r),
        `[${engineDir(r)}/README.md](${engineDir(r)}/README.md)`,
        `\`npm run bench -- --engine ${r.engine ?? 'podman'}${r.sections ? ` --only ${r.sections.join(',')}` : ''}\``,
        r.startedAt.slice(0, 16).replace('T', ' ') + ' UTC',
        `${(r.durationS / 60).toFixed(0)} min`,
        `${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB.toFixed(1)} GiB, Linux ${r.machine.kernel}, cgroups ${r.machine.cgroups}`,
      ]),
    ),
    '',
    '## Goals, engine by engine',
    '',
    table(
      ['measurement', 'goal', ...runs.map((x) => engineName(x.results))],
      names.map((name) => [name, goalOf(name), ...runs.map((x) => cell(x.goals.find((g) => g.name === name)))]),
    ),
    '',
    "Why each goal was met or missed, with the numbers behind it, is in the closing note of each engine's report.",
    '',
  ];
  return out.join('\n');
}
