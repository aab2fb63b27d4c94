/**
 * The quick mode's check: every measurement of a run produced numbers (the harness works on this
 * engine), in every section the run measured (`--only`). Returns what is missing or not a positive
 * number, one line each; empty when all is there. Pure.
 */
import { fractionsFor, type BenchConfig } from './config';
import type { Results } from './results';
import { measured, type SectionName } from './section-names';

export function missingNumbers(r: Results, config: BenchConfig, latencyVariantIds: readonly string[]): string[] {
  const problems: string[] = [];
  const positive = (what: string, v: number | undefined) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) problems.push(`${what}: ${v}`);
  };
  const atLeastZero = (what: string, v: number | undefined) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) problems.push(`${what}: ${v}`);
  };
  const ran = (s: SectionName) => measured(r.sections, s);
  if (ran('hardening')) hardening(r, positive, problems);
  if (ran('features'))
    for (const v of ['features-on', 'features-off']) {
      const runs = r.features.runs.filter((x) => x.variant === v);
      if (!runs.length) problems.push(`features: no run of ${v}`);
      for (const x of runs) positive(`${v} req/s`, x.wrk.rps);
    }
  if (ran('limiter')) {
    if (r.limiter.levels.length !== config.limiterLevels.length) problems.push('limiter: levels missing');
    for (const l of r.limiter.levels) {
      positive(`limiter ${l.multiple}x accepted`, l.flood.ok);
      positive(`limiter ${l.multiple}x second client`, l.second.ok);
      if (l.multiple > 2 && !l.flood.limited) problems.push(`limiter ${l.multiple}x: nothing was limited`);
    }
  }
  if (ran('latency')) latency(r, config, latencyVariantIds, positive, atLeastZero, problems);
  if (ran('footprint')) {
    for (const i of r.images) positive(`image ${i.container} size`, i.bytes);
    if (r.memory.containers.length !== r.template.containers.length) problems.push('memory: a container is missing');
    for (const m of r.memory.containers) positive(`memory of ${m.container}`, m.usageBytes);
    positive('memory of the task', r.memory.pod?.usageBytes);
  }
  if (!r.synth.reused) positive('synth time', r.synth.ms);
  // A pinned run read back every container's cpuset of a task it started (bench/context.ts).
  const startedTasks = (['hardening', 'features', 'limiter', 'footprint', 'latency'] as const).some(ran);
  if (startedTasks && r.pinning && 'taskCpus' in r.pinning && Object.keys(r.pinning.readBack).length !== r.template.containers.length)
    problems.push(`pinning: cpuset read back from ${Object.keys(r.pinning.readBack).join(', ') || 'no container'}`);
  if (ran('startup')) startup(r, config, positive, problems);
  return problems;
}

type Check = (what: string, v: number | undefined) => void;

function hardening(r: Results, positive: Check, problems: string[]): void {
  for (const v of ['hardened', 'unhardened', 'unhardened-limits']) {
    const runs = r.hardening.runs.filter((x) => x.variant === v);
    if (!runs.length) problems.push(`hardening: no run of ${v}`);
    for (const x of runs) {
      positive(`${v} req/s`, x.wrk.rps);
      positive(`${v} p99`, x.wrk.p99Ms);
      positive(`${v} task CPU`, x.cpu.usageNs);
      if (x.wrk.non2xx) problems.push(`${v}: ${x.wrk.non2xx} non-2xx responses (the load client is not exempt from the limiter)`);
    }
  }
}

function latency(r: Results, config: BenchConfig, latencyVariantIds: readonly string[], positive: Check, atLeastZero: Check, problems: string[]): void {
  positive('latency: capacity', r.latency.capacityRps);
  for (const run of r.latency.runs) {
    const at = (l: { fraction: number }) => `latency ${run.variant} ${l.fraction * 100}%`;
    positive(`latency ${run.variant} saturation req/s`, run.wrk.rps);
    if (run.levels.length !== fractionsFor(config.latency, run.variant).length) problems.push(`latency ${run.variant}: levels missing`);
    for (const l of run.levels) {
      positive(`${at(l)} p99`, l.paced.latency.p99Ms);
      positive(`${at(l)} task CPU`, l.cpu.usageNs);
      if (l.paced.ok !== l.paced.sent) problems.push(`${at(l)}: ${l.paced.ok}/${l.paced.sent} answered 2xx`);
      atLeastZero(`${at(l)} steal ticks`, l.steal?.ticks);
      positive(`${at(l)} host ticks`, l.steal?.totalTicks);
      for (const [c, ns] of Object.entries(l.containerCpuNs ?? { containers: undefined })) positive(`${at(l)} ${c} CPU`, ns);
      // A task with a CPU quota counts CFS periods; the variant without the cap has none.
      if (run.variant !== 'lat-nocap') positive(`${at(l)} CFS periods`, l.cpu.periods);
    }
  }
  for (const id of latencyVariantIds)
    if (r.latency.runs.filter((x) => x.variant === id).length !== config.latency.rounds) problems.push(`latency: runs of ${id} missing`);
  for (const p of r.latency.probes) for (const c of p.costs) positive(`probe cost ${p.variant} ${c.container} ${c.command}`, c.podMs);
  if (r.latency.probes.length !== 1) problems.push('latency: probe costs missing');
  positive('nginx floor µs/request', r.latency.floors.nginx?.proxyUsPerRequest);
  positive('php-fpm floor µs/request', r.latency.floors.phpFpm?.appUsPerRequest);
  positive("nginx floor at the template's rate µs/request", r.latency.floors.nginx?.atTaskRate?.proxyUsPerRequest);
  positive("php-fpm floor at the template's rate µs/request", r.latency.floors.phpFpm?.atTaskRate?.appUsPerRequest);
}

function startup(r: Results, config: BenchConfig, positive: Check, problems: string[]): void {
  if (r.startup?.runs.length !== config.startupRuns) problems.push('startup: runs missing');
  for (const s of r.startup?.runs ?? []) {
    positive('startup: first 200', s.servingMs);
    positive('startup: HEALTHY', s.healthyMs);
  }
  if (!r.crashRecovery?.runs.length) problems.push('crash recovery: no run');
  for (const c of r.crashRecovery?.runs ?? []) {
    positive('crash recovery: serving again', c.servingAgainMs);
    positive('crash recovery: HEALTHY again', c.healthyAgainMs);
  }
  positive('ECS seconds to HEALTHY', r.ecsHealth?.secondsToHealthy);
}
