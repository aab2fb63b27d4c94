/**
 * Sections 1 and 2: the cost of hardening and of the proxy's features, closed loop (wrk). Variants
 * alternate round by round, the order reversed every other round (A/B/C, C/B/A ...) so no variant
 * always runs first or after the same neighbour: start the task, warm up, measure, stop.
 */
import type { BenchContext } from '../context';
import { EXEMPT_ENV } from '../context';
import { fastcgiAddressOf, socketPathOf } from '../fastcgi-levers';
import { containersCpuNs, cpuDelta, taskCpu } from '../footprint';
import { templateWithoutFeatures } from '../proxy-template';
import type { Results, WrkRun } from '../results';
import type { RunningTask, Variant } from '../tasks';
import { unharden } from '../variants';
import { runWrk } from '../wrk';
import { describeSpec } from './spec-lines';

export async function hardening(ctx: BenchContext, results: Results): Promise<void> {
  const imageCmd: Record<string, string[]> = {};
  for (const [name, { ref }] of Object.entries(ctx.task.prepared.images)) imageCmd[name] = (await ctx.engine.imageConfig(ref))?.cmd ?? [];
  // A proxy reaching php-fpm on its unix socket keeps its user (unharden, keepUser).
  const keepUser = socketPathOf(fastcgiAddressOf(ctx.task.proxyEnv)) !== undefined ? [ctx.task.proxy] : [];
  const variants: Variant[] = [
    { id: 'hardened', label: 'hardened (template task)', env: EXEMPT_ENV },
    { id: 'unhardened', label: 'unhardened, no limits', env: EXEMPT_ENV, change: unharden({ removeLimits: true, imageCmd, keepUser }) },
    { id: 'unhardened-limits', label: 'unhardened, task limits kept', env: EXEMPT_ENV, change: unharden({ removeLimits: false, imageCmd, keepUser }) },
  ];
  await alternate(ctx, variants, results.hardening.runs, (t) => {
    if (results.hardening.variants.some((v) => v.id === t.variant.id)) return;
    const spec = describeSpec(t.translated);
    results.hardening.variants.push({
      id: t.variant.id,
      label: t.variant.label,
      changes: t.changes.filter((c) => c.container !== 'task'),
      podRemoved: t.changes.filter((c) => c.container === 'task').flatMap((c) => c.removed),
      // The task and container specs the engine was given (field value lines), not an engine's flags.
      podArgs: spec.task,
      createArgs: spec.containers,
    });
  });
}

export async function features(ctx: BenchContext, results: Results): Promise<void> {
  const t = ctx.task;
  const off = templateWithoutFeatures(t.proxyTemplate.text);
  results.features.removed = off.removed;
  const variants: Variant[] = [
    {
      id: 'features-on',
      label: 'proxy features on',
      env: EXEMPT_ENV,
      change: ctx.proxyTemplateChange('features-on', t.proxyTemplate.text),
    },
    {
      id: 'features-off',
      label: 'proxy features off',
      env: EXEMPT_ENV,
      change: ctx.proxyTemplateChange('features-off', off.text),
    },
  ];
  await alternate(ctx, variants, results.features.runs, () => undefined);
}

async function alternate(ctx: BenchContext, variants: Variant[], runs: WrkRun[], seen: (t: RunningTask) => void): Promise<void> {
  const C = ctx.config;
  for (let round = 1; round <= C.rounds; round++) {
    for (const v of round % 2 ? variants : [...variants].reverse()) {
      const task = await ctx.start(v);
      seen(task);
      try {
        const opts = ctx.wrkOptions(task.target, C.wrkS);
        const r = await ctx.reporter.step(
          `round ${round}/${C.rounds} ${v.label}: wrk ${C.connections} connections, ${C.warmupS ? `${C.warmupS} s warm-up + ` : ''}${C.wrkS} s`,
          async (s) => {
            if (C.warmupS) await runWrk({ ...opts, durationS: C.warmupS });
            const [before, containersBefore] = [await taskCpu(ctx.engine, task.name), await containersCpuNs(ctx.engine, task.containerNames)];
            const wrk = await runWrk(opts);
            const [after, containersAfter] = [await taskCpu(ctx.engine, task.name), await containersCpuNs(ctx.engine, task.containerNames)];
            const cpu = cpuDelta(before, after);
            const byContainer = Object.fromEntries(Object.keys(task.containerNames).map((n) => [n, containersAfter[n] - containersBefore[n]]));
            const us = (ns: number) => (ns / 1000 / wrk.requests).toFixed(0);
            s.done(
              `${wrk.rps.toFixed(0)} req/s, p50 ${wrk.p50Ms.toFixed(2)} ms, p99 ${wrk.p99Ms.toFixed(2)} ms, non-2xx ${wrk.non2xx}, CPU µs/request ${Object.entries(
                byContainer,
              )
                .map(([n, ns]) => `${n} ${us(ns)}`)
                .join(', ')}, task ${us(cpu.usageNs)}`,
            );
            return { wrk, cpu, containerCpuNs: byContainer };
          },
        );
        runs.push({ variant: v.id, round, startMs: task.startMs, ...r });
      } finally {
        ctx.stopInBackground(task);
      }
    }
  }
}
