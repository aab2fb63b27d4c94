/**
 * `npm run bench`: what the hardening costs, how precise the rate limiter is, how fast the task starts
 * and recovers, what decides its latency tail, how fast the developer loop is, and how big the task
 * is, measured side by side on this machine against the synthesized task running locally on Docker or
 * podman (load to the task's own address as an ALB's goes, else to 127.0.0.1; bounded counts and durations), started as `secure-ecs local up` starts it
 * (bench/tasks.ts). Writes the engine's report, plots and raw results to docs/benchmarks/<engine>/ and
 * rewrites the index docs/benchmarks.md from every engine's last run (bench/write-report.ts).
 *
 * `npm run bench -- --quick`: the same harness with tiny durations and one round, skipping the slow
 * developer-loop parts (ts-node synth, the unit tests, the cold `local up`); writes to a temporary
 * directory, asserts that every measurement produced numbers, and exits 1 if not. CI runs it on each
 * engine.
 *
 * Options (bench/cli-args.ts): --quick, --engine docker|podman (default: the engine `secure-ecs local
 * up` would pick), --out DIR (where the report goes; default docs/ or a temp dir with --quick),
 * --only SECTION[,SECTION...] (only those sections, bench/section-names.ts; needs an --out other than
 * docs/, so a partial run never replaces a full one), --pin (measurement-only CPU pinning,
 * bench/pinning.ts; off by default), --render RESULTS.json (write the report again from a run's raw results,
 * measuring nothing). Bad options exit 2 with one line. Progress goes to stderr.
 *
 * With --pin and two or more CPUs the load sections pin the load generators (this process, and wrk and the
 * FastCGI client it starts) to the first CPU and every task to the others (bench/pinning.ts); synth,
 * image builds, start-up and the developer loop run on every CPU, as a developer runs them.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createReporter, formatDuration } from '../lib/local/progress';
import { staleReason } from '../lib/local/synth';
import { missingNumbers } from './assert-numbers';
import { ROOT } from './cli';
import { parseBenchArgs, type BenchOptions } from './cli-args';
import { FULL_CONFIG, QUICK_CONFIG } from './config';
import { BenchContext, EXEMPT_BURST, EXEMPT_RATE, LOAD_CLIENT, PACED_SOCKETS } from './context';
import { devloop } from './devloop-section';
import { containerMemory, imageSizes, taskMemory } from './footprint';
import { describeMachine, type Machine } from './machine';
import { availableCpus, choosePinning, engineCannotPin, pinSelf } from './pinning';
import type { Results } from './results';
import { measured } from './section-names';
import { features, hardening } from './sections/closed-loop';
import { latency, latencyVariants } from './sections/latency';
import { limiter } from './sections/limiter';
import { ecsHealth, startupAndRecovery } from './sections/startup';
import { synthAssembly, synthCommand } from './devloop';
import { prepareTask, removeAllTasks } from './tasks';
import { renderAgain, scrubPaths, writeReport } from './write-report';
import { withHealthInterval } from './variants';
import { writeWrkScript } from './wrk';

const reporter = createReporter(process.stderr);

async function main(o: BenchOptions): Promise<number> {
  const began = Date.now();
  const config = o.quick ? QUICK_CONFIG : FULL_CONFIG;
  const runs = (s: Parameters<typeof measured>[1]) => measured(o.only, s);
  const work = mkdtempSync(path.join(os.tmpdir(), 'secure-ecs-bench-'));
  // Until results.json is written and reported, the work directory is scratch: a failure or a Ctrl-C
  // (the handlers below end with process.exit, which runs 'exit' listeners) removes it. Past that, the
  // end of main keeps only what the run reported.
  let reported = false;
  process.on('exit', () => {
    if (reported) return;
    try {
      rmSync(work, { recursive: true, force: true });
    } catch (e) {
      // Files a container wrote under another uid (rootless podman's private storage, if the run stopped in the developer loop).
      process.stderr.write(`bench: could not remove its work directory ${work}: ${(e as Error).message}\n`);
    }
  });
  const outDir = path.resolve(o.out ?? (o.quick ? path.join(work, 'out') : path.join(ROOT, 'docs')));
  reporter.info(
    `secure-ecs bench (${o.quick ? 'quick smoke mode' : 'full run'}${o.only ? `, only ${o.only.join(', ')}` : ''}): work directory ${work}, report into ${outDir}`,
  );
  const described = describeMachine(process.env);
  reporter.info(
    `machine: ${described.cpus} x ${described.cpuModel}, ${described.memoryGiB.toFixed(1)} GiB, ${described.os}, kernel ${described.kernel}, podman ${described.podman}`,
  );
  const assemblyDir = path.join(work, 'cdk.out');
  const synth = await assembly(assemblyDir, o.quick);
  const task = await prepareTask({ assemblyDir, engine: o.engine, reporter });
  const engine = task.prepared.engine;
  const machine: Machine = engine.info.kind === 'docker' ? { ...described, docker: engine.info.version } : described;
  const pin = choosePinning(availableCpus(), { pin: o.pin, engineCannot: engineCannotPin(engine) });
  reporter.info(
    'off' in pin
      ? `CPU pinning: ${pin.off}`
      : `CPU pinning (measurement only): load generators on CPU ${pin.loadCpus}, every task under test on CPU ${pin.taskCpus}`,
  );
  // Quick mode where the engine schedules the probes itself (Docker: the first one Interval after the
  // start, which no runner option moves): every variant probes every 5 s (ECS's shortest Interval) so
  // the smoke run does not wait a minute per task; the changes say so. The full run keeps the template's.
  const quickProbes = o.quick && engine.capabilities.healthSchedule === 'engine' ? withHealthInterval(5) : undefined;
  const ctx = new BenchContext(task, config, o.quick, reporter, work, writeWrkScript(work), quickProbes, 'off' in pin ? undefined : pin.taskCpus);
  const rate = Number(task.proxyEnv.RATE_LIMIT_PER_SECOND);
  const burst = Number(task.proxyEnv.RATE_LIMIT_BURST);
  const props = task.prepared.assembly.properties;
  const results: Results = {
    mode: o.quick ? 'quick' : 'full',
    engine: engine.info.kind,
    startedAt: new Date(began).toISOString(),
    durationS: 0,
    ...(o.only ? { sections: o.only } : {}),
    machine,
    pinning: 'off' in pin ? pin : undefined,
    config: { ...config, loadClient: LOAD_CLIENT, exemptRate: EXEMPT_RATE, exemptBurst: EXEMPT_BURST, pacedSockets: PACED_SOCKETS },
    synth,
    template: {
      rate,
      burst,
      connectionsPerClient: Number(task.proxyEnv.CONNECTIONS_PER_CLIENT),
      taskCpu: String(props.Cpu),
      taskMemory: String(props.Memory),
      containers: (props.ContainerDefinitions as any[]).map((d) => ({
        name: String(d.Name),
        memoryMiB: Number(d.Memory),
        cpu: Number(d.Cpu),
        user: String(d.User),
      })),
    },
    images: runs('footprint') ? await imageSizes(engine, task.prepared.images) : [],
    memory: { idleS: config.idleS, containers: [], pod: undefined },
    hardening: { variants: [], runs: [] },
    features: { proxy: task.proxy, removed: [], runs: [] },
    limiter: { rate, burst, durationS: config.limiterS, levels: [], secondClientRate: rate / 2 },
    latency: { ...config.latency, capacityRps: 0, variants: [], runs: [], probes: [], idle: [], floors: {} },
    devloop: {},
    ecsHealth: runs('startup') ? ecsHealth(ctx) : undefined,
  };

  // The load sections, pinned: this process (paced.ts) and the clients it starts on the load CPU.
  if (!('off' in pin)) await pinSelf(pin.loadCpus);
  try {
    // 5. Footprint: the idle memory of the template's task, then 3. the limiter on the same task.
    if (runs('footprint') || runs('limiter')) {
      const template = await ctx.start({ id: 'template', label: "the template's task, unchanged" });
      try {
        if (runs('footprint'))
          await reporter.step(`idle ${config.idleS} s, then read the memory cgroups`, async () => {
            await sleep(config.idleS * 1000);
            for (const [name, containerName] of Object.entries(template.containerNames))
              results.memory.containers.push({ container: name, ...(await containerMemory(engine, containerName)) });
            results.memory.pod = await taskMemory(engine, template.name);
          });
        if (runs('limiter')) await limiter(ctx, template, results);
      } finally {
        ctx.stopInBackground(template);
      }
    }
    // 1. Cost of hardening, 2. of the proxy features, 6. open-loop latency, probe cost and idle CPU.
    if (runs('hardening')) await hardening(ctx, results);
    if (runs('features')) await features(ctx, results);
    if (runs('latency')) await latency(ctx, results);
    await reporter.step('stop the last tasks', () => ctx.stopped());
  } finally {
    // Start-up and the developer loop are timed as a developer runs them: on every CPU.
    if (!('off' in pin)) await pinSelf(pin.allCpus);
  }
  if (!('off' in pin))
    results.pinning = {
      loadCpus: pin.loadCpus,
      taskCpus: pin.taskCpus,
      otherCpus: pin.allCpus,
      readBack: ctx.cpusetReadBack,
      checkedTasks: ctx.cpusetCheckedTasks,
    };
  // 7. Start-up and crash recovery through the CLI, 4. the developer loop.
  if (runs('startup')) await startupAndRecovery(ctx, assemblyDir, results);
  if (runs('devloop')) await devloop(ctx, results, assemblyDir, synth);

  results.loadTarget = ctx.loadTargets;
  results.durationS = (Date.now() - began) / 1000;
  writeFileSync(path.join(work, 'results.json'), JSON.stringify(results, null, 2));
  writeReport(scrubPaths(results, { '<work>': work, '<project>': ROOT }), outDir, reporter);
  reporter.info(`raw results: ${path.join(work, 'results.json')}`);
  reported = true;
  // Keep results.json, the logs (the unit tests' jest.log) and the report when it went into <work>/out (quick mode); the
  // assemblies, the bench project, the variant files go, on success and on a quick run's missing numbers alike. A file it
  // cannot remove (one rootless podman wrote in its user namespace) is a warning: the run has reported by now.
  for (const entry of readdirSync(work))
    if (entry !== 'results.json' && !entry.endsWith('.log') && path.join(work, entry) !== outDir)
      try {
        rmSync(path.join(work, entry), { recursive: true, force: true });
      } catch (e) {
        reporter.info(`could not remove ${path.join(work, entry)}: ${(e as Error).message.split('\n')[0]}`);
      }
  reporter.info(
    `${o.quick ? 'quick' : 'full'} run${o.only ? ` of ${o.only.join(', ')}` : ''} on ${engine.info.kind} took ${formatDuration(Date.now() - began)}`,
  );
  if (o.quick) {
    const latencyIds = latencyVariants(task.prepared.translated.task.cpuUnits).map((v) => v.id);
    const problems = missingNumbers(results, config, latencyIds);
    if (problems.length) {
      process.stderr.write(`bench --quick: the harness did not produce numbers:\n  ${problems.join('\n  ')}\n`);
      return 1;
    }
    reporter.info('bench --quick: every measurement produced numbers');
  }
  return 0;
}

/**
 * The assembly every task is built from: synthesized with the project's command. The quick mode
 * copies the project's cdk.out instead when it is current (no input changed since its synth), to stay
 * fast; the full run always synthesizes.
 */
async function assembly(dir: string, quick: boolean): Promise<Results['synth']> {
  const current = path.join(ROOT, 'cdk.out');
  if (quick && !staleReason(ROOT)) {
    cpSync(current, dir, { recursive: true });
    reporter.info(`quick: using a copy of the current ${current}`);
    return { ms: 0, command: `cp -r cdk.out (current; the full run synthesizes: ${synthCommand(dir)})`, reused: true };
  }
  return synthAssembly(dir, reporter);
}

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
  if (options.only && options.out !== undefined && path.resolve(options.out) === path.join(ROOT, 'docs'))
    throw new Error('--only: --out must not be docs/, where the full runs are');
  if (options.render) renderAgain(options.render, options.out, path.join(ROOT, 'docs'), reporter);
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
if (options.render) process.exit(0);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\n${sig}: removing the bench tasks\n`);
    void removeAllTasks().then(() => process.exit(130));
  });
}

main(options).then(
  (code) => process.exit(code),
  async (e) => {
    const details = e instanceof Error && 'details' in e && Array.isArray((e as any).details) ? `\n  ${(e as any).details.join('\n  ')}` : '';
    process.stderr.write(`bench failed: ${e instanceof Error ? `${e.message}${details}` : String(e)}\n`);
    await removeAllTasks();
    process.exit(1);
  },
);
