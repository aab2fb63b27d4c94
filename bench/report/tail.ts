/**
 * Section 6, per load level: what decides the tail. For every variant and level, the p99
 * as the median over the rounds with their spread, the CPU each request cost the task and each
 * container, the share of CFS periods throttled and the host's steal time over the level.
 */
import { f, median, range, table } from '../format';
import type { LatencyLevel, Results } from '../results';
import { answered, hostIdlePct, levelUsPerRequest, NOT_MEASURED } from './open-loop';

/** The median over the rounds of a per-level value, or "not measured" if no round has it. */
function medianOf(ls: LatencyLevel[], value: (l: LatencyLevel) => number | undefined, digits: number, unit = ''): string {
  const xs = ls.flatMap((l) => {
    const v = value(l);
    return v === undefined ? [] : [v];
  });
  return xs.length ? `${f(median(xs), digits)}${unit}` : NOT_MEASURED;
}

export function tailTable(r: Results): string[] {
  const lat = r.latency;
  const containers = r.template.containers.map((c) => c.name);
  const rows = lat.variants.flatMap((v) =>
    lat.fractions.flatMap((fraction) => {
      const ls = lat.runs.filter((x) => x.variant === v.id).flatMap((x) => x.levels.filter((l) => l.fraction === fraction));
      if (!ls.length) return []; // a lever variant the full run measures at 50% only
      const p99 = ls.map((l) => l.paced.latency.p99Ms);
      return [
        [
          v.label,
          `${fraction * 100}% (${f(ls[0]?.ratePerS ?? NaN, 0)} req/s)`,
          p99.length ? `**${f(median(p99))}** (${range(p99)})` : NOT_MEASURED,
          medianOf(ls, levelUsPerRequest, 0),
          ...containers.map((c) => medianOf(ls, (l) => (l.containerCpuNs?.[c] === undefined ? undefined : l.containerCpuNs[c] / 1000 / answered(l)), 0)),
          ls.some((l) => l.cpu.periods) ? medianOf(ls, (l) => (l.cpu.periods ? (l.cpu.throttled / l.cpu.periods) * 100 : 0), 1, '%') : 'no quota',
          medianOf(ls, (l) => (l.steal && l.steal.totalTicks ? (l.steal.ticks / l.steal.totalTicks) * 100 : undefined), 1, '%'),
          medianOf(ls, hostIdlePct, 0, '%'),
        ],
      ];
    }),
  );
  return [
    '### Per level: the tail, CPU per request, throttling and steal',
    '',
    `Medians over the ${lat.rounds} round${lat.rounds === 1 ? '' : 's'} (the p99's min–max in brackets). CPU µs/request: the task's and each container's cgroup CPU time over the level, divided by the requests answered in it; ` +
      "throttled: the share of the task's CFS periods in which it hit its quota; steal: the host's steal time (/proc/stat) as a share of all its CPU time over the level, what the hypervisor took from this machine; " +
      "host idle: the share of the CPU time no process used (idle and iowait): near 0% the machine itself was saturated (the task, the load generator and the engine's own processes share its cores), and the tail is the machine's, not the quota's.",
    '',
    table(
      [
        'variant',
        'load',
        'p99 ms (min–max)',
        'CPU µs/request task',
        ...containers.map((c) => `CPU µs/request ${c}`),
        'throttled periods',
        'host steal',
        'host idle',
      ],
      rows,
    ),
    '',
  ];
}
