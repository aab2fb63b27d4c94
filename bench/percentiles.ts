/**
 * Latency percentiles from exact samples: every request's latency is kept (a few thousand to a few
 * tens of thousands numbers per run, so no histogram is needed and no rounding bucket hides a
 * stall), sorted once, and read with the nearest-rank method (the smallest sample with at least p%
 * of the samples at or below it; the same definition HdrHistogram and wrk use).
 *
 * Pure (no I/O).
 */

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** The nearest-rank p-th percentile (0 < p <= 100) of samples sorted ascending; NaN when empty. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  if (!sorted.length) return NaN;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const s = Float64Array.from(samplesMs).sort();
  const arr = Array.from(s);
  return {
    count: arr.length,
    p50Ms: nearestRank(arr, 50),
    p90Ms: nearestRank(arr, 90),
    p99Ms: nearestRank(arr, 99),
    maxMs: arr.length ? arr[arr.length - 1] : NaN,
    meanMs: arr.length ? arr.reduce((a, b) => a + b, 0) / arr.length : NaN,
  };
}
