/**
 * Every duration and count of a bench run: the full run and the quick smoke mode. Pure data.
 */

/** The open-loop load levels, as fractions of the template task's measured capacity. */
const LATENCY_FRACTIONS = [0.25, 0.5, 0.75];

export interface BenchConfig {
  /** Rounds of the closed-loop comparisons (hardening, features), alternated. */
  readonly rounds: number;
  readonly wrkS: number;
  readonly warmupS: number;
  readonly connections: number;
  readonly threads: number;
  readonly limiterS: number;
  readonly limiterLevels: number[];
  /** Idle seconds before the memory cgroups are read. */
  readonly idleS: number;
  readonly synthRounds: number;
  readonly upCachedRuns: number;
  /** Cached `local up --detach` runs timed to serving and HEALTHY; the crash recovery runs on the last one. */
  readonly startupRuns: number;
  readonly latency: {
    readonly rounds: number;
    /** Seconds per open-loop level: at least several probe intervals in the full run. */
    readonly levelS: number;
    readonly capacityS: number;
    readonly fractions: number[];
    /**
     * The levels of the lever variants (every variant but the template task and its no-probe twin,
     * which get all of `fractions`: the goal is judged at each level against them). Unset: all.
     */
    readonly leverFractions?: number[];
    readonly probeSamples: number;
    readonly idleS: number;
  };
}

export const QUICK_CONFIG: BenchConfig = {
  rounds: 1,
  wrkS: 1,
  warmupS: 0,
  connections: 8,
  threads: 1,
  limiterS: 2,
  limiterLevels: [1, 10],
  idleS: 1,
  synthRounds: 0,
  upCachedRuns: 0,
  startupRuns: 1,
  latency: { rounds: 1, levelS: 1, capacityS: 1, fractions: LATENCY_FRACTIONS, probeSamples: 1, idleS: 1 },
};

export const FULL_CONFIG: BenchConfig = {
  rounds: 4,
  wrkS: 10,
  warmupS: 3,
  connections: 8,
  threads: 1,
  limiterS: 5,
  limiterLevels: [1, 2, 5, 10, 20],
  idleS: 10,
  synthRounds: 5,
  upCachedRuns: 3,
  startupRuns: 3,
  // 60 s levels cover two probes of each container at a 30 s Interval, six at 10 s; three rounds
  // give a median and a spread. idleS 30: one full probe interval of the template. The lever
  // variants run at 50% only (the level each lever was chosen at): with all three levels the
  // six variants' open loop alone took 54 minutes per engine; this way 30.
  latency: { rounds: 3, levelS: 60, capacityS: 8, fractions: LATENCY_FRACTIONS, leverFractions: [0.5], probeSamples: 7, idleS: 30 },
};

/** The variants measured at every level: the template task, and the same task with no probe (the goal's reference). */
export const ALL_LEVEL_VARIANTS: readonly string[] = ['lat-template', 'lat-noprobe'];

/** The open-loop levels a variant runs at. */
export const fractionsFor = (latency: BenchConfig['latency'], variantId: string): number[] =>
  ALL_LEVEL_VARIANTS.includes(variantId) ? latency.fractions : (latency.leverFractions ?? latency.fractions);
