/**
 * The results schema: what bench/run.ts measures into results.json and bench/report.ts renders. Both
 * sides import it from here. Fields added after the first runs are optional, so an older
 * results.json still renders (`--render`).
 */
import type { CgroupMemory, CpuCounters, ImageSize } from './footprint';
import type { Machine } from './machine';
import type { PacedResult } from './paced';
import type { LoadTargetRecord } from './load-target';
import type { CpusetReadBack } from './pinning';
import type { ProbeCost } from './probe-cost';
import type { SectionName } from './section-names';
import type { Change } from './variants';
import type { WrkResult } from './wrk';

/** One command's wall times from alternating hyperfine runs (bench/devloop.ts). */
export interface HyperfineRun {
  readonly name: string;
  readonly command: string;
  readonly timesS: number[];
}

export interface WrkRun {
  readonly variant: string;
  readonly round: number;
  readonly startMs: number;
  readonly wrk: WrkResult;
  /** The pod cgroup's CPU counters over the measured run. */
  readonly cpu: CpuCounters;
  /** CPU time of each container's cgroup over the measured run, ns. */
  readonly containerCpuNs: Record<string, number>;
}

export interface UpRun {
  readonly kind: 'cold' | 'cached';
  readonly ms: number;
  readonly code: number;
  readonly synthesized: boolean;
  readonly built: boolean;
  readonly command: string;
}

export interface LimiterLevel {
  readonly multiple: number;
  readonly offeredPerS: number;
  readonly flood: PacedResult;
  readonly second: PacedResult;
  readonly expected: number;
  readonly deviationPct: number;
}

/** A floor measured open loop at a given rate: what was answered, how many left late, and the task's CPU per request. */
export interface FloorAtRate {
  ratePerS: number;
  answered: number;
  /** Requests sent more than 5 ms after their slot (the generator or its connections fell behind). */
  late: number;
  podUsPerRequest: number;
}

/** The paced client's connection cap in runs that did not record it (`config.pacedSockets`). */
const PACED_SOCKETS_BEFORE_RECORDED = 16;

/** The paced client's connection cap the run used. */
export const pacedSocketsOf = (r: Pick<Results, 'config'>): number => r.config.pacedSockets ?? PACED_SOCKETS_BEFORE_RECORDED;

export interface Results {
  mode: 'full' | 'quick';
  /** The engine the tasks ran on; absent in runs from before the bench measured Docker (podman). */
  engine?: 'docker' | 'podman';
  startedAt: string;
  durationS: number;
  /** The sections measured (`--only`, bench/section-names.ts); absent: every section (all runs before `--only`). */
  sections?: SectionName[];
  machine: Machine;
  /**
   * Measurement-only CPU pinning (bench/pinning.ts): the load generators' CPUs, the tasks' cpuset and
   * what each container of the first task read back, or why nothing was pinned. Absent in runs from
   * before the bench pinned.
   */
  pinning?: PinningRecord;
  /** Where the load went (bench/load-target.ts). Absent in runs from before it went to the task's address (all to 127.0.0.1). */
  loadTarget?: LoadTargetRecord;
  config: {
    rounds: number;
    wrkS: number;
    warmupS: number;
    connections: number;
    threads: number;
    limiterS: number;
    limiterLevels: number[];
    idleS: number;
    synthRounds: number;
    upCachedRuns: number;
    loadClient: string;
    exemptRate: string;
    /** The raised RATE_LIMIT_BURST that goes with exemptRate (absent in runs before 2026-12-07: the template's burst). */
    exemptBurst?: string;
    /**
     * The open-loop HTTP client's keep-alive connections at most (bench/paced.ts): the latency levels,
     * the nginx floor at the template's rate, the limiter's flood below the connection limit. Absent in
     * runs before 2026-12-08, which used 16 (PACED_SOCKETS_BEFORE_RECORDED).
     */
    pacedSockets?: number;
  };
  synth: { ms: number; command: string; reused?: boolean };
  template: {
    rate: number;
    burst: number;
    connectionsPerClient: number;
    taskCpu: string;
    taskMemory: string;
    containers: { name: string; memoryMiB: number; cpu: number; user: string }[];
  };
  images: ImageSize[];
  memory: { idleS: number; containers: (CgroupMemory & { container: string })[]; pod?: CgroupMemory };
  hardening: {
    variants: { id: string; label: string; changes: Change[]; podRemoved: string[]; podArgs: string[]; createArgs: Record<string, string[]> }[];
    runs: WrkRun[];
  };
  features: { proxy: string; removed: { feature: string; lines: string[] }[]; runs: WrkRun[] };
  limiter: { rate: number; burst: number; durationS: number; secondClientRate: number; levels: LimiterLevel[] };
  latency: {
    rounds: number;
    levelS: number;
    capacityS: number;
    fractions: number[];
    /** The levels of the lever variants when they run at fewer (bench/config.ts); unset: all of `fractions`. */
    leverFractions?: number[];
    probeSamples: number;
    idleS: number;
    /** The template task's closed-loop req/s, measured first: the levels are fractions of it. */
    capacityRps: number;
    /** capacityScale: the variant's level rates against the template's (a task size at fractions of its own capacity). */
    variants: { id: string; label: string; changes: Change[]; podRemoved: string[]; capacityScale?: number }[];
    runs: LatencyRun[];
    probes: { variant: string; costs: ProbeCost[] }[];
    idle: { variant: string; seconds: number; cpu: CpuCounters }[];
    /**
     * What a request costs without the rest of the task, closed loop: nginx answering `return 200`
     * itself, and php-fpm's `GET /` from a FastCGI client (bench/fastcgi-load.ts).
     */
    floors: {
      /** Closed loop at its own saturation; `atTaskRate`, open loop at the template's saturation rate (older results lack it). */
      nginx?: { rps: number; proxyUsPerRequest: number; podUsPerRequest: number; atTaskRate?: FloorAtRate & { proxyUsPerRequest: number } };
      phpFpm?: { rps: number; connections: number; appUsPerRequest: number; podUsPerRequest: number; atTaskRate?: FloorAtRate & { appUsPerRequest: number } };
    };
  };
  devloop: {
    synthOnceMs?: number;
    synth?: { runs: HyperfineRun[]; invocations: string[] };
    unit?: { ms: number; code: number; summary: string };
    up?: UpRun[];
  };
  /** A cached `local up`, run after run: first 200 through the proxy, then every container HEALTHY. */
  startup?: { runs: { servingMs: number; healthyMs: number }[]; command: string };
  /** The app's main process OOM-killed, until the proxy serves 200 again (and the app is HEALTHY again). */
  crashRecovery?: { runs: { servingAgainMs: number; healthyAgainMs?: number }[]; how: string };
  /**
   * The template's health-check settings and the time to HEALTHY they give a task on ECS under
   * Docker 25's probe schedule (first probe one Interval after start; no start interval on ECS).
   */
  ecsHealth?: {
    containers: { name: string; intervalS: number; startPeriodS: number; retries: number }[];
    secondsToHealthy: number;
    dependsOn: string;
  };
}

export interface LatencyLevel {
  readonly fraction: number;
  readonly ratePerS: number;
  readonly paced: PacedResult;
  /** The pod cgroup's CPU counters over the level (CFS periods and throttled periods included). */
  readonly cpu: CpuCounters;
  /** The host's /proc/stat steal, total and idle (idle + iowait; absent in runs before 2026-12-05) jiffies over the level. */
  readonly steal?: { ticks: number; totalTicks: number; idleTicks?: number };
  /** CPU time of each container's cgroup over the level, ns. */
  readonly containerCpuNs?: Record<string, number>;
}

export interface LatencyRun {
  readonly variant: string;
  readonly round: number;
  readonly levels: LatencyLevel[];
  /** Closed loop at saturation after the levels. */
  readonly wrk: WrkResult;
  readonly cpu: CpuCounters;
}

export type PinningRecord =
  | {
      /** The bench's node process (paced.ts) and the clients it starts (wrk, the FastCGI client), kernel list format. */
      readonly loadCpus: string;
      /** Every task under test (a cpuset the engine sets). */
      readonly taskCpus: string;
      /** What the other work of the run (synth, image builds, start-up and developer-loop sections) ran on. */
      readonly otherCpus: string;
      /** The first task's containers: their cpuset cgroup and main process read back on the host. */
      readonly readBack: Record<string, CpusetReadBack & { readonly task: string }>;
      /** Tasks whose every container read the cpuset back at its start (a mismatch fails the run); absent: not counted. */
      readonly checkedTasks?: number;
    }
  | { readonly off: string };
