/** The open-loop runs of section 6 reduced per variant: each level's percentiles over the rounds, and saturation. */
import { median } from '../format';
import type { OpenLoopLevel } from '../goals';
import type { LatencyLevel, LatencyRun, Results } from '../results';

type Latency = Results['latency'];

/** The host's idle share over a level, %; undefined for runs that did not record it. */
export const hostIdlePct = (l: LatencyLevel): number | undefined =>
  l.steal?.idleTicks !== undefined && l.steal.totalTicks ? (l.steal.idleTicks / l.steal.totalTicks) * 100 : undefined;

/** A table cell for a level a variant did not run at (the full run measures the levers at 50% only). */
export const NOT_MEASURED = 'not measured';

/** `cell` of the run's level at `fraction`, or NOT_MEASURED. */
export const levelAt = (run: LatencyRun, fraction: number, cell: (l: LatencyLevel) => string): string => {
  const l = run.levels.find((x) => x.fraction === fraction);
  return l ? cell(l) : NOT_MEASURED;
};

/** The levels a variant ran at, in the run's order of fractions. */
export const measuredLevelsOf = (lat: Latency, id: string): LevelStats[] => levelsOf(lat, id).filter((l) => l.p99PerRoundMs.length);

export interface LevelStats extends OpenLoopLevel {
  /** The task's CPU per request answered, µs (median over the rounds). */
  readonly taskUsPerRequest: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly throttledPct: number;
  readonly hostIdlePct: number;
}

/** Per load level of a variant: medians over the rounds, and each round's p99. */
export const levelsOf = (lat: Latency, id: string): LevelStats[] =>
  lat.fractions.map((fraction) => {
    const ls = lat.runs.filter((x) => x.variant === id).flatMap((x) => x.levels.filter((l) => l.fraction === fraction));
    return {
      fraction,
      ratePerS: ls[0]?.ratePerS ?? NaN,
      p50Ms: median(ls.map((l) => l.paced.latency.p50Ms)),
      p90Ms: median(ls.map((l) => l.paced.latency.p90Ms)),
      p99Ms: median(ls.map((l) => l.paced.latency.p99Ms)),
      p99PerRoundMs: ls.map((l) => l.paced.latency.p99Ms),
      throttledPct: median(ls.map((l) => (l.cpu.periods ? (l.cpu.throttled / l.cpu.periods) * 100 : 0))),
      hostIdlePct: median(ls.flatMap((l) => hostIdlePct(l) ?? [])),
      taskUsPerRequest: median(ls.map(levelUsPerRequest)),
    };
  });

/** The closed-loop run at saturation after the levels: medians over the rounds. */
export const sat = (lat: Latency, id: string) => {
  const rs = lat.runs.filter((x) => x.variant === id);
  return {
    rps: median(rs.map((x) => x.wrk.rps)),
    p99: median(rs.map((x) => x.wrk.p99Ms)),
    usPerReq: median(rs.map(usPerRequest)),
    perRound: rs,
  };
};

/** Task CPU per request of a run at saturation, µs. */
export const usPerRequest = (x: LatencyRun): number => x.cpu.usageNs / 1000 / x.wrk.requests;

/** Requests answered in an open-loop level (any status): what its CPU is divided by. */
export const answered = (l: LatencyLevel): number => l.paced.latency.count || l.paced.sent;

/** The task's CPU per request answered in an open-loop level, µs. */
export const levelUsPerRequest = (l: LatencyLevel): number => l.cpu.usageNs / 1000 / answered(l);

/** a / b of a measure at saturation (req/s unless `of` says otherwise), round by round. */
export const latPerRound = (lat: Latency, a: string, b: string, of: (x: LatencyRun) => number = (x) => x.wrk.rps): number[] =>
  [...new Set(lat.runs.map((x) => x.round))].map((round) => {
    const x = lat.runs.find((y) => y.round === round && y.variant === a);
    const y = lat.runs.find((z) => z.round === round && z.variant === b);
    return x && y ? of(x) / of(y) : NaN;
  });

/** Section 6 renders only when the template task's open-loop runs exist. */
export const haveLatency = (lat: Latency): boolean => lat.runs.length > 0 && lat.variants.some((v) => v.id === 'lat-template');
