/** Closed-loop (wrk) runs: medians per variant, ratios round by round, and their tables (sections 1 and 2). */
import { f, median, secs, table } from '../format';
import type { ClosedLoopCost } from '../goals';
import { parseCpuList } from '../pinning';
import type { Results, WrkRun } from '../results';

export interface VariantStats extends ClosedLoopCost {
  readonly p50: number;
  readonly throttledPct: number;
  readonly runs: WrkRun[];
}

export function stats(runs: WrkRun[]): VariantStats {
  const rps = runs.map((r) => r.wrk.rps);
  return {
    rps: median(rps),
    p50: median(runs.map((r) => r.wrk.p50Ms)),
    p99: median(runs.map((r) => r.wrk.p99Ms)),
    cpuUsPerReq: median(runs.map((r) => r.cpu.usageNs / 1000 / r.wrk.requests)),
    containerUsPerReq: Object.fromEntries(
      Object.keys(runs[0]?.containerCpuNs ?? {}).map((c) => [c, median(runs.map((r) => r.containerCpuNs[c] / 1000 / r.wrk.requests))]),
    ),
    throttledPct: median(runs.map((r) => (r.cpu.periods ? (r.cpu.throttled / r.cpu.periods) * 100 : 0))),
    spreadPct: ((Math.max(...rps) - Math.min(...rps)) / median(rps)) * 100,
    runs,
  };
}

/** Medians per variant; with `base`, base / variant ratios of req/s and p99. */
export function summaryTable(rows: [string, VariantStats][], base?: { label: string; stats: VariantStats }): string {
  const containers = Object.keys(rows[0]?.[1].containerUsPerReq ?? {});
  return table(
    [
      'variant',
      'median req/s',
      'median p50 ms',
      'median p99 ms',
      ...containers.map((c) => `CPU µs/request ${c}`),
      'CPU µs/request task',
      'req/s spread',
      ...(base ? [`${base.label} / variant (req/s)`, `${base.label} / variant (p99)`] : []),
    ],
    rows.map(([label, x]) => [
      label,
      f(x.rps, 0),
      f(x.p50),
      f(x.p99),
      ...containers.map((c) => f(x.containerUsPerReq[c], 0)),
      f(x.cpuUsPerReq, 0),
      `${f(x.spreadPct, 0)}%`,
      ...(base ? [f(base.stats.rps / x.rps), `${f(base.stats.p99 / x.p99)}x`] : []),
    ]),
  );
}

/** a / b of req/s, round by round. */
export function perRound(runs: WrkRun[], a: string, b: string): number[] {
  return [...new Set(runs.map((x) => x.round))].map((round) => {
    const x = runs.find((y) => y.round === round && y.variant === a);
    const y = runs.find((z) => z.round === round && z.variant === b);
    return x && y ? x.wrk.rps / y.wrk.rps : NaN;
  });
}

export function runsTable(runs: WrkRun[], labels: Record<string, string>): string {
  const containers = Object.keys(runs[0]?.containerCpuNs ?? {});
  return table(
    [
      'round',
      'variant',
      'req/s',
      'p50 ms',
      'p99 ms',
      'non-2xx',
      ...containers.map((c) => `CPU µs/request ${c}`),
      'CPU µs/request task',
      'CFS periods throttled',
      'task start',
    ],
    runs.map((r) => [
      r.round,
      labels[r.variant] ?? r.variant,
      f(r.wrk.rps, 0),
      f(r.wrk.p50Ms),
      f(r.wrk.p99Ms),
      r.wrk.non2xx + r.wrk.socketErrors,
      ...containers.map((c) => f(r.containerCpuNs[c] / 1000 / r.wrk.requests, 0)),
      f(r.cpu.usageNs / 1000 / r.wrk.requests, 0),
      r.cpu.periods ? `${r.cpu.throttled}/${r.cpu.periods} (${f((r.cpu.throttled / r.cpu.periods) * 100, 0)}%)` : 'no quota',
      secs(r.startMs),
    ]),
  );
}

/** The closed-loop statistics of one variant of section 1 ('hardened', 'unhardened', 'unhardened-limits'). */
export const hardeningStats = (r: Results, id: string): VariantStats => stats(r.hardening.runs.filter((x) => x.variant === id));

/** The cores a task could run on: its measurement-only cpuset when the run pinned (bench/pinning.ts), else the machine's. */
export const taskCores = (r: Results): number => (r.pinning && 'taskCpus' in r.pinning ? parseCpuList(r.pinning.taskCpus).length : r.machine.cpus);

/** The task's vCPUs (`task.cpu` / 1024). */
export const taskVcpu = (r: Results): number => Number(r.template.taskCpu) / 1024;

/**
 * The longest a request can wait for the next 100 ms CFS period once the task's quota is spent: the
 * quota can be used up by all the machine's cores at once (nginx and php-fpm run in parallel), so
 * the wait is 100 ms minus the quota divided by the cores, not only 100 ms minus the quota.
 */
export function cfsStall(r: Results): string {
  const quotaMs = taskVcpu(r) * 100;
  const cores = Math.max(1, taskCores(r));
  const allCores = Math.max(0, 100 - quotaMs / cores);
  const oneCore = Math.max(0, 100 - quotaMs);
  // A task pinned to no more cores than its vCPUs (bench/pinning.ts) cannot spend its quota early.
  if (allCores === 0)
    return `which here is never: on the ${cores === 1 ? 'one core' : `${cores} cores`} of its cpuset the task cannot use more than its ${f(quotaMs, 0)} ms of quota in a period (on a host with more cores than the task's vCPUs it can)`;
  return cores > 1
    ? `up to ${f(allCores, 1)} ms when the quota is spent on all ${cores} cores at once (${f(oneCore, 1)} ms when on one)`
    : `up to ${f(oneCore, 1)} ms`;
}
