/**
 * Section 6: open-loop latency under the task's CPU cap, and what decides its tail. The template
 * task's capacity (closed loop) first, then per variant and round: open-loop levels at fractions of
 * that capacity, each with the task's CPU per request and per container, its CFS periods and
 * throttled periods, and the host's steal time (/proc/stat) over the level; then saturation. The
 * template task also gets the CPU price of each health probe and its idle CPU.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fractionsFor } from '../config';
import type { BenchContext } from '../context';
import { EXEMPT_ENV } from '../context';
import { containersCpuNs, cpuDelta, taskCpu } from '../footprint';
import { paced } from '../paced';
import { probeCosts } from '../probe-cost';
import { templateWithUnbufferedAccessLog } from '../proxy-template';
import type { LatencyLevel, Results } from '../results';
import { readHostTicks, stealDelta } from '../steal';
import type { RunningTask, Variant } from '../tasks';
import { withHealthInterval, withoutHealthChecks, withTaskCpu, type TaskChange } from '../variants';
import { fastcgiLeverVariants, keepaliveLevers, transportLever, type FastcgiLevers } from '../fastcgi-levers';
import { runWrk } from '../wrk';
import { nginxFloor, phpFpmFloor } from './floors';

/** Task sizes compared against the template's (ECS task CPU units; 1024 = one vCPU). */
const TASK_CPU_UNITS = [256, 512, 1024];

/**
 * The variants of the open-loop section: the template as synthesized; each task size the template
 * does not already have; probes every 30 s (ECS's default Interval, the template's before the 10 s probes); no probe during the measurement (no health checks); no
 * task CPU cap (a capacity figure); the FastCGI levers (bench/fastcgi-levers.ts); and the proxy's
 * access log written per request, as it was before it was buffered (bench/proxy-template.ts).
 */
export interface LatencyVariant extends Variant {
  /**
   * Its levels' rates against the template's: a task size gets the same fractions of its own
   * capacity (the template's scaled by its CPU), not a multiple of it that it could never serve.
   */
  readonly capacityScale?: number;
}

export function latencyVariants(templateCpu: number | undefined, levers?: FastcgiLevers, unbufferedLog?: TaskChange): LatencyVariant[] {
  return [
    { id: 'lat-template', label: 'template task', env: EXEMPT_ENV },
    ...TASK_CPU_UNITS.filter((u) => u !== templateCpu).map((u) => ({
      id: `lat-cpu-${u}`,
      label: `task CPU ${u}`,
      env: EXEMPT_ENV,
      change: withTaskCpu(u),
      capacityScale: templateCpu ? u / templateCpu : undefined,
    })),
    { id: 'lat-30s', label: "probes every 30 s (ECS's default)", env: EXEMPT_ENV, change: withHealthInterval(30) },
    { id: 'lat-noprobe', label: 'no probe while measured (no health checks)', env: EXEMPT_ENV, change: withoutHealthChecks },
    { id: 'lat-nocap', label: 'no task CPU cap', env: EXEMPT_ENV, change: withTaskCpu(undefined) },
    ...(levers ? fastcgiLeverVariants({ ...levers, env: EXEMPT_ENV }) : []),
    ...(unbufferedLog ? [{ id: 'lat-logwrite', label: 'access log unbuffered (a write per request)', env: EXEMPT_ENV, change: unbufferedLog }] : []),
  ];
}

/** The proxy's template with the access log written per request (bench/proxy-template.ts), or nothing, with a warning, where the template has no buffered log. */
function unbufferedLogLever(ctx: BenchContext): TaskChange | undefined {
  try {
    return ctx.proxyTemplateChange('lat-logwrite', templateWithUnbufferedAccessLog(ctx.task.proxyTemplate.text));
  } catch (e) {
    ctx.reporter.warn(`the access log lever is left out: ${(e as Error).message}`);
    return undefined;
  }
}

/** The keep-alive levers (bench/fastcgi-levers.ts), a grown pool written into the run's work folder; left out with a warning where they cannot be measured. */
function keepaliveLeverFiles(ctx: BenchContext): FastcgiLevers['keepalive'] {
  const { proxyEnv, appPool: pool } = ctx.task;
  try {
    return keepaliveLevers(proxyEnv, pool?.text).map(({ grownPool, ...lever }) => {
      if (grownPool === undefined || !pool) return lever;
      const file = path.join(ctx.work, `lat-keep${lever.kept}.pool.conf`);
      writeFileSync(file, grownPool, { mode: 0o644 });
      return { ...lever, poolFile: { file, pathInImage: pool.pathInImage } };
    });
  } catch (e) {
    ctx.reporter.warn(`the keep-alive levers are left out: ${(e as Error).message}`);
    return [];
  }
}

export async function latency(ctx: BenchContext, results: Results): Promise<void> {
  const L = ctx.config.latency;
  const levers = { transport: transportLever(ctx.task.proxyEnv), keepalive: keepaliveLeverFiles(ctx), app: ctx.task.app };
  const variants = latencyVariants(ctx.task.prepared.translated.task.cpuUnits, levers, unbufferedLogLever(ctx));
  // The capacity the levels are fractions of: the template task, closed loop, measured first.
  const rateAt = (fraction: number, scale = 1) => Math.max(1, Math.round(fraction * scale * results.latency.capacityRps));
  const first = await ctx.start(variants[0]);
  try {
    results.latency.capacityRps = await ctx.reporter.step(`capacity of the template task: wrk ${L.capacityS} s`, async (s) => {
      if (ctx.config.warmupS) await runWrk(ctx.wrkOptions(first.target, ctx.config.warmupS));
      const w = await runWrk(ctx.wrkOptions(first.target, L.capacityS));
      s.done(`${w.rps.toFixed(0)} req/s`);
      return w.rps;
    });
    results.latency.floors.phpFpm = await phpFpmFloor(ctx, first, rateAt(1));
  } finally {
    ctx.stopInBackground(first);
  }
  results.latency.floors.nginx = await nginxFloor(ctx, rateAt(1));
  for (let round = 1; round <= L.rounds; round++) {
    for (const v of round % 2 ? variants : [...variants].reverse()) {
      const task = await ctx.start(v);
      if (!results.latency.variants.some((x) => x.id === v.id))
        results.latency.variants.push({
          id: v.id,
          label: v.label,
          // Task-level fields appear as the container `task` (e.g. `task: -cpuUnits 256 +cpuUnits 512`).
          changes: task.changes,
          podRemoved: [],
          ...(v.capacityScale ? { capacityScale: v.capacityScale } : {}),
        });
      try {
        if (round === 1 && v.id === 'lat-template') await probesAndIdle(ctx, task, results);
        const levels: LatencyLevel[] = [];
        for (const fraction of fractionsFor(L, v.id))
          levels.push(await level(ctx, task, `round ${round}/${L.rounds} ${v.label}`, fraction, rateAt(fraction, v.capacityScale)));
        const closed = await ctx.reporter.step(`round ${round}/${L.rounds} ${v.label}: saturation, wrk ${L.capacityS} s`, async (s) => {
          const before = await taskCpu(ctx.engine, task.name);
          const w = await runWrk(ctx.wrkOptions(task.target, L.capacityS));
          const cpu = cpuDelta(before, await taskCpu(ctx.engine, task.name));
          s.done(`${w.rps.toFixed(0)} req/s, p99 ${w.p99Ms.toFixed(2)} ms, task ${(cpu.usageNs / 1000 / w.requests).toFixed(0)} µs/request`);
          return { wrk: w, cpu };
        });
        results.latency.runs.push({ variant: v.id, round, levels, ...closed });
      } finally {
        ctx.stopInBackground(task);
      }
    }
  }
}

/** One open-loop level: the paced load, and the task's, each container's and the host's CPU counters over it. */
async function level(ctx: BenchContext, task: RunningTask, what: string, fraction: number, ratePerS: number): Promise<LatencyLevel> {
  const S = ctx.config.latency.levelS;
  return ctx.reporter.step(`${what}: open loop ${ratePerS} req/s (${fraction * 100}%) for ${S} s`, async (s) => {
    const [before, containersBefore, hostBefore] = [
      await taskCpu(ctx.engine, task.name),
      await containersCpuNs(ctx.engine, task.containerNames),
      readHostTicks(),
    ];
    const r = await paced(ctx.pacedOptions(task.target, ratePerS, S));
    const [after, containersAfter, hostAfter] = [await taskCpu(ctx.engine, task.name), await containersCpuNs(ctx.engine, task.containerNames), readHostTicks()];
    const cpu = cpuDelta(before, after);
    const steal = stealDelta(hostBefore, hostAfter);
    const containerCpuNs = Object.fromEntries(Object.keys(task.containerNames).map((n) => [n, containersAfter[n] - containersBefore[n]]));
    const perReq = (ns: number) => (r.ok ? (ns / 1000 / r.ok).toFixed(0) : 'n/a');
    s.done(
      `p50 ${r.latency.p50Ms.toFixed(2)} ms, p99 ${r.latency.p99Ms.toFixed(2)} ms, ok ${r.ok}/${r.sent}, throttled ${cpu.throttled}/${cpu.periods}, ` +
        `µs/request task ${perReq(cpu.usageNs)} (${Object.entries(containerCpuNs)
          .map(([n, ns]) => `${n} ${perReq(ns)}`)
          .join(
            ', ',
          )}), steal ${steal.totalTicks ? ((steal.ticks / steal.totalTicks) * 100).toFixed(1) : '0.0'}%, host idle ${steal.totalTicks ? ((steal.idleTicks / steal.totalTicks) * 100).toFixed(0) : 'n/a'}%`,
    );
    return { fraction, ratePerS, paced: r, cpu, steal, containerCpuNs };
  });
}

async function probesAndIdle(ctx: BenchContext, task: RunningTask, results: Results): Promise<void> {
  const L = ctx.config.latency;
  const label = task.variant.label;
  const containers = task.translated.containers.map((c) => ({ name: c.name, engineName: c.containerName, health: c.health }));
  const costs = await ctx.reporter.step(`${label}: CPU per probe, ${L.probeSamples} probes per command and container`, async (s) => {
    const c = await probeCosts(ctx.engine, task.name, containers, L.probeSamples);
    s.done(c.map((x) => `${x.container} ${x.command}: task ${x.podMs.toFixed(1)} ms (container ${x.containerMs.toFixed(1)})`).join('; '));
    return c;
  });
  results.latency.probes.push({ variant: task.variant.id, costs });
  const idle = await ctx.reporter.step(`${label}: idle ${L.idleS} s`, async (s) => {
    const before = await taskCpu(ctx.engine, task.name);
    await sleep(L.idleS * 1000);
    const d = cpuDelta(before, await taskCpu(ctx.engine, task.name));
    s.done(`${(d.usageNs / 1e6 / L.idleS).toFixed(2)} ms CPU per second, ${d.throttled} throttled periods`);
    return d;
  });
  results.latency.idle.push({ variant: task.variant.id, seconds: L.idleS, cpu: idle });
}
