/**
 * The report's SVG plots: the limiter's offered vs accepted, throughput per variant, open-loop p99 per
 * level; each only when the run measured its section (`--only`).
 */
import { f } from '../format';
import type { Results } from '../results';
import { measured } from '../section-names';
import { barChart, lineChart } from '../svg';
import { hardeningStats, stats } from './closed-loop';
import { haveLatency as hasLatency, measuredLevelsOf } from './open-loop';

export function plots(r: Results): Record<string, string> {
  const svgs: Record<string, string> = {};
  const lv = r.limiter.levels;
  const [H, U, L] = ['hardened', 'unhardened', 'unhardened-limits'].map((id) => hardeningStats(r, id));
  const ON = stats(r.features.runs.filter((x) => x.variant === 'features-on'));
  const OFF = stats(r.features.runs.filter((x) => x.variant === 'features-off'));
  const lat = r.latency;
  const latLabel = Object.fromEntries(lat.variants.map((v) => [v.id, v.label]));
  const latIds = lat.variants.map((v) => v.id);
  const levelsOf = (id: string) => measuredLevelsOf(lat, id);
  const haveLatency = hasLatency(lat);
  const levels = lv.map((l) => [l.offeredPerS, l.flood.ok / r.limiter.durationS] as const);
  const maxOffered = Math.max(...lv.map((l) => l.offeredPerS), r.limiter.rate * 2);
  const ideal: [number, number][] = [];
  for (let x = 1; x <= maxOffered * 1.25; x *= 1.05) ideal.push([x, Math.min(x, r.limiter.rate + r.limiter.burst / r.limiter.durationS)]);
  const ticks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t >= r.limiter.rate / 4 && t <= maxOffered * 1.3);
  if (measured(r.sections, 'limiter'))
    svgs['limiter.svg'] = lineChart({
      title: `Rate limiter: offered vs accepted (rate ${r.limiter.rate}/s, burst ${r.limiter.burst}, ${r.limiter.durationS} s per level)`,
      xLabel: 'offered by one client, requests/s (log)',
      yLabel: 'accepted (HTTP 200), requests/s (log)',
      log: true,
      xTicks: ticks,
      yTicks: ticks,
      series: [
        {
          name: 'no limit (accepted = offered)',
          points: [
            [ticks[0], ticks[0]],
            [ticks[ticks.length - 1], ticks[ticks.length - 1]],
          ],
          style: 'dashed',
          color: '#999999',
        },
        { name: 'expected: min(offered, rate + burst/T)', points: ideal, style: 'line', color: '#1f77b4' },
        { name: 'measured', points: levels, style: 'points', color: '#d62728' },
        {
          name: 'second client (half the rate)',
          points: lv.map((l) => [r.limiter.secondClientRate * 1.04, l.second.ok / r.limiter.durationS] as const),
          style: 'points',
          color: '#2ca02c',
        },
      ],
    });
  const bars = [
    ...[H, U, L].map((s, i) => ({
      label: ['hardened (template task)', 'unhardened, no limits', 'unhardened, task limits kept'][i],
      value: s.rps,
      runs: s.runs.map((x) => x.wrk.rps),
      color: ['#1f77b4', '#ff7f0e', '#bcbd22'][i],
    })),
    { label: 'proxy features on (hardened)', value: ON.rps, runs: ON.runs.map((x) => x.wrk.rps), color: '#2ca02c' },
    { label: 'proxy features off (hardened)', value: OFF.rps, runs: OFF.runs.map((x) => x.wrk.rps), color: '#98df8a' },
  ];
  if (measured(r.sections, 'hardening') || measured(r.sections, 'features'))
    svgs['throughput.svg'] = barChart(
      `Throughput at ${r.config.connections} connections (${r.config.wrkS} s runs, ${r.config.rounds} rounds)`,
      'requests/s',
      bars,
    );

  if (haveLatency) {
    const colors = ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];
    const all = latIds.flatMap((id) => levelsOf(id).map((l) => l.p99Ms)).filter((x) => x > 0);
    const yTicks = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t >= Math.min(...all) / 2 && t <= Math.max(...all) * 2);
    svgs['latency.svg'] = lineChart({
      title: `Open-loop p99 vs load (capacity ${f(lat.capacityRps, 0)} req/s, ${lat.levelS} s per level, ${lat.rounds} rounds)`,
      xLabel: "offered load, % of the template task's capacity (log)",
      yLabel: 'p99 latency, ms (log)',
      log: true,
      xTicks: lat.fractions.map((x) => x * 100),
      yTicks,
      series: [
        {
          name: 'goal: 10 ms',
          points: [
            [lat.fractions[0] * 100, 10],
            [lat.fractions[lat.fractions.length - 1] * 100, 10],
          ],
          style: 'dashed',
          color: '#999999',
        },
        ...latIds.map((id, i) => ({
          name: latLabel[id],
          points: levelsOf(id).map((l) => [l.fraction * 100, l.p99Ms] as const),
          // A lever variant measured at one level is a dot: a one-point path draws nothing.
          style: levelsOf(id).length > 1 ? ('line' as const) : ('points' as const),
          color: colors[i % colors.length],
        })),
      ],
    });
  }
  return svgs;
}
