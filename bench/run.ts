/**
 * `npm run bench`: what the hardening costs, how precise the rate limiter is, how fast the developer
 * loop is, and how big the task is, measured side by side on this machine against the synthesized
 * task running locally under podman (127.0.0.1 only, bounded counts and durations). Writes
 * docs/benchmarks.md and docs/benchmarks/*.svg.
 *
 * `npm run bench -- --quick`: the same harness with tiny durations and one round, skipping the slow
 * developer-loop parts (ts-node synth, the unit tests, the cold `local up`); writes to a temporary
 * directory, asserts that every measurement produced numbers, and exits 1 if not. CI runs it.
 *
 * Options: --quick, --out DIR (where the report goes; default docs/ or a temp dir with --quick),
 * --render RESULTS.json (write the report again from a run's raw results, measuring nothing).
 * Progress goes to stderr.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PodmanEngine } from '../lib/local/engines/podman/engine';
import { hostFacts } from '../lib/local/host/host-facts';
import { createReporter, formatDuration } from '../lib/local/progress';
import type { Podman } from '../lib/local/engines/podman/cli';
import { staleReason } from '../lib/local/synth';
import {
  ROOT,
  TS_NODE_APP,
  buildJsApp,
  hyperfineAlternating,
  localUpColdAndCached,
  projectAppCommand,
  synthAssembly,
  synthCommand,
  unitTests,
} from './devloop';
import { containerCpuNs, containerMemory, cpuDelta, imageSizes, podCpu, podMemory } from './footprint';
import type { FastcgiLoadResult } from './fastcgi-load';
import { describeMachine } from './machine';
import { paced } from './paced';
import { BENCH_LABEL, prepareTask, removeAllPods, startPod, type BenchTask, type RunningPod, type VariantSpec } from './pods';
import { renderReport } from './report';
import type { LatencyLevel, Results, WrkRun } from './results';
import { probeCosts } from './probe-cost';
import { composeTransforms, templateReturning200, templateWithoutFeatures, withConmonInPod, withHealthInterval } from './variants';
import { runWrk, writeWrkScript } from './wrk';
import { setTimeout as sleep } from 'node:timers/promises';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const valueOf = (flag: string) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
const outArg = valueOf('--out');
/** Re-render the report from a run's results.json (no measurement): for changes to the report's wording. */
const renderArg = valueOf('--render');
for (const a of argv) {
  if (a.startsWith('--') && !['--quick', '--out', '--render'].includes(a)) {
    process.stderr.write(`bench: unknown option ${a} (use --quick, --out DIR, --render RESULTS.json)\n`);
    process.exit(2);
  }
}

/** The open-loop load levels, as fractions of the template task's measured capacity. */
const LATENCY_FRACTIONS = [0.25, 0.5, 0.75, 0.9];
/** At most pm.max_children (5) kept-open connections: a php-fpm worker serves one connection at a time. */
const FASTCGI_CONNECTIONS = 4;
const execFileAsync = promisify(execFile);
/** Every duration and count of a run. */
const CONFIG = QUICK
  ? {
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
      latency: { rounds: 1, levelS: 1, capacityS: 1, fractions: LATENCY_FRACTIONS, probeSamples: 1, idleS: 1 },
    }
  : {
      // 4 rounds (was 6) to leave time for the open-loop section; the alternation is unchanged.
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
      // idleS 30: one full probe interval of the template (30 s), so the idle CPU includes its probes.
      latency: { rounds: 2, levelS: 12, capacityS: 8, fractions: LATENCY_FRACTIONS, probeSamples: 7, idleS: 30 },
    };

/** The client identity of the closed-loop load (RFC 2544 benchmark range, as test/e2e uses). */
const LOAD_CLIENT = '198.18.100.1';
/** Raised limit for measurements 1 and 2 (the renderer's maximum): one client is never limited, limit_req still runs. */
const EXEMPT_RATE = '100000';

const reporter = createReporter(process.stderr);
// Pods start with probes every second (250 ms in quick mode) during the health start period, not one
// Interval apart as `secure-ecs local up` and an ECS host probe: the bench measures running pods, and
// with 30 s probes each of its pod starts would otherwise wait a minute. Steady-state probes keep
// the definition's Interval.
const podOptions = (workDir: string) => ({ workDir, reporter, startPeriodProbeMs: QUICK ? 250 : 1000 });

async function main(): Promise<number> {
  const began = Date.now();
  const work = mkdtempSync(path.join(os.tmpdir(), 'secure-ecs-bench-'));
  const outDir = path.resolve(outArg ?? (QUICK ? path.join(work, 'out') : path.join(ROOT, 'docs')));
  reporter.info(`secure-ecs bench (${QUICK ? 'quick smoke mode' : 'full run'}): work directory ${work}, report into ${outDir}`);
  // The benchmark measures podman pods (variants transform podman's arguments; bench/variants.ts).
  const facts = hostFacts();
  const engine = await PodmanEngine.connect(facts, BENCH_LABEL);
  const podman = engine.podman;
  const machine = describeMachine(podman.env);
  reporter.info(
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB.toFixed(1)} GiB, ${machine.os}, kernel ${machine.kernel}, podman ${machine.podman}`,
  );

  const assemblyDir = path.join(work, 'cdk.out');
  const synth = await assembly(assemblyDir);
  const task = await prepareTask(engine, facts, assemblyDir, reporter);
  const script = writeWrkScript(work);
  const rate = Number(task.proxyEnv.RATE_LIMIT_PER_SECOND);
  const burst = Number(task.proxyEnv.RATE_LIMIT_BURST);

  const results: Results = {
    mode: QUICK ? 'quick' : 'full',
    startedAt: new Date(began).toISOString(),
    durationS: 0,
    machine,
    config: { ...CONFIG, loadClient: LOAD_CLIENT, exemptRate: EXEMPT_RATE },
    synth,
    template: {
      rate,
      burst,
      connectionsPerClient: Number(task.proxyEnv.CONNECTIONS_PER_CLIENT),
      taskCpu: String(task.assembly.properties.Cpu),
      taskMemory: String(task.assembly.properties.Memory),
      containers: (task.assembly.properties.ContainerDefinitions as any[]).map((d) => ({
        name: String(d.Name),
        memoryMiB: Number(d.Memory),
        cpu: Number(d.Cpu),
        user: String(d.User),
      })),
    },
    images: [],
    memory: { idleS: CONFIG.idleS, containers: [], pod: undefined },
    hardening: { variants: [], runs: [] },
    features: { proxy: task.proxy, removed: [], runs: [] },
    limiter: { rate, burst, durationS: CONFIG.limiterS, levels: [], secondClientRate: rate / 2 },
    latency: { ...CONFIG.latency, capacityRps: 0, variants: [], runs: [], probes: [], idle: [], floors: {} },
    devloop: {},
  };

  // 5. Footprint: images, then the idle memory of the template's task (the limiter pod, before any load).
  results.images = await imageSizes(podman, task.images);
  const templatePod = await startPod(engine, task, { id: 'template', label: "the template's task, unchanged" }, podOptions(work));
  try {
    await reporter.step(`idle ${CONFIG.idleS} s, then read the memory cgroups`, async () => {
      await sleep(CONFIG.idleS * 1000);
      for (const [name, containerName] of Object.entries(templatePod.containerNames))
        results.memory.containers.push({ container: name, ...(await containerMemory(podman, containerName)) });
      results.memory.pod = await podMemory(podman, templatePod.name);
    });
    // 3. Limiter precision and fairness, on the unchanged template task.
    await limiter(templatePod, results);
  } finally {
    stopInBackground(templatePod);
  }

  // 1. Cost of hardening: alternating rounds of hardened / unhardened / unhardened with the task's limits kept.
  const exempt = {
    RATE_LIMIT_PER_SECOND: { value: EXEMPT_RATE, reason: 'bench: raised so the one load client is never limited (limit_req still runs on every request)' },
  };
  const hardeningVariants: VariantSpec[] = [
    { id: 'hardened', label: 'hardened (template task)', env: exempt },
    { id: 'unhardened', label: 'unhardened, no limits', env: exempt, unharden: { removeLimits: true } },
    { id: 'unhardened-limits', label: 'unhardened, task limits kept', env: exempt, unharden: { removeLimits: false } },
  ];
  await alternate(engine, task, hardeningVariants, work, script, results.hardening.runs, (pod) => {
    if (!results.hardening.variants.find((v) => v.id === pod.spec.id)) {
      results.hardening.variants.push({
        id: pod.spec.id,
        label: pod.spec.label,
        changes: pod.changes,
        podRemoved: pod.podRemoved,
        podArgs: pod.podArgs,
        createArgs: pod.createArgs,
      });
    }
  });

  // 2. Cost of the proxy features: the same hardened task, the template as built vs without the features.
  const off = templateWithoutFeatures(task.proxyTemplate.text);
  results.features.removed = off.removed;
  const featureVariants: VariantSpec[] = [
    { id: 'features-on', label: 'proxy features on', env: exempt, proxyTemplateText: task.proxyTemplate.text },
    { id: 'features-off', label: 'proxy features off', env: exempt, proxyTemplateText: off.text },
  ];
  await alternate(engine, task, featureVariants, work, script, results.features.runs, () => undefined);

  // 6. Open-loop latency under the task's CPU cap, probe cost and idle CPU.
  await latency(engine, task, exempt, work, script, results);

  await reporter.step('stop the last pods', () => Promise.all(stops));

  // 4. Developer loop.
  await devloop(podman, results, work, assemblyDir);

  results.durationS = (Date.now() - began) / 1000;
  writeFileSync(path.join(work, 'results.json'), JSON.stringify(results, null, 2));
  writeReport(results, outDir);
  reporter.info(`raw results: ${path.join(work, 'results.json')}`);
  reporter.info(`${QUICK ? 'quick' : 'full'} run took ${formatDuration(Date.now() - began)}`);

  if (QUICK) {
    const problems = assertNumbers(results);
    if (problems.length) {
      process.stderr.write(`bench --quick: the harness did not produce numbers:\n  ${problems.join('\n  ')}\n`);
      return 1;
    }
    reporter.info('bench --quick: every measurement produced numbers');
  }
  // Keep results.json and the logs; the assemblies, the bench project and the variant templates go.
  for (const entry of ['cdk.out', 'synth-tsx', 'synth-ts-node', 'synth-js', 'project']) rmSync(path.join(work, entry), { recursive: true, force: true });
  return 0;
}

function writeReport(results: Results, outDir: string): void {
  mkdirSync(path.join(outDir, 'benchmarks'), { recursive: true });
  const report = renderReport(results);
  writeFileSync(path.join(outDir, 'benchmarks.md'), report.markdown);
  for (const [name, svg] of Object.entries(report.svgs)) writeFileSync(path.join(outDir, 'benchmarks', name), svg);
  reporter.info(
    `\nwrote ${path.join(outDir, 'benchmarks.md')} and ${Object.keys(report.svgs)
      .map((n) => path.join(outDir, 'benchmarks', n))
      .join(', ')}`,
  );
  reporter.info(`goals: ${report.goals.map((g) => `${g.name} ${g.met ? 'met' : 'MISSED'}`).join('; ')}`);
}

/**
 * The assembly every pod is built from: synthesized with the project's command. The quick mode copies
 * the project's cdk.out instead when it is current (no input changed since its synth), to stay under
 * a minute; the full run always synthesizes.
 */
async function assembly(dir: string): Promise<Results['synth']> {
  const current = path.join(ROOT, 'cdk.out');
  if (QUICK && !staleReason(ROOT)) {
    cpSync(current, dir, { recursive: true });
    reporter.info(`quick: using a copy of the current ${current}`);
    return { ms: 0, command: `cp -r cdk.out (current; the full run synthesizes: ${synthCommand(dir)})`, reused: true };
  }
  return synthAssembly(dir, reporter);
}

/**
 * Alternate variants round by round, the order reversed every other round (A/B/C, C/B/A ...) so no
 * variant always runs first or after the same neighbour: start the pod, warm up, measure, stop.
 */
async function alternate(
  engine: PodmanEngine,
  task: BenchTask,
  variants: VariantSpec[],
  work: string,
  script: string,
  runs: WrkRun[],
  seen: (pod: RunningPod) => void,
): Promise<void> {
  for (let round = 1; round <= CONFIG.rounds; round++) {
    for (const v of round % 2 ? variants : [...variants].reverse()) {
      const podman = engine.podman;
      const pod = await startPod(engine, task, v, podOptions(work));
      seen(pod);
      try {
        const opts = {
          url: `http://127.0.0.1:${pod.port}/`,
          connections: CONFIG.connections,
          threads: CONFIG.threads,
          headers: { 'X-Forwarded-For': LOAD_CLIENT },
          script,
        };
        const r = await reporter.step(
          `round ${round}/${CONFIG.rounds} ${v.label}: wrk ${CONFIG.connections} connections, ${CONFIG.warmupS ? `${CONFIG.warmupS} s warm-up + ` : ''}${CONFIG.wrkS} s`,
          async (s) => {
            if (CONFIG.warmupS) await runWrk({ ...opts, durationS: CONFIG.warmupS });
            const containers = Object.entries(pod.containerNames);
            const perContainer = async (): Promise<Record<string, number>> =>
              Object.fromEntries(await Promise.all(containers.map(async ([n, c]) => [n, await containerCpuNs(podman, c)] as const)));
            const [before, containersBefore] = [await podCpu(podman, pod.name), await perContainer()];
            const wrk = await runWrk({ ...opts, durationS: CONFIG.wrkS });
            const [after, containersAfter] = [await podCpu(podman, pod.name), await perContainer()];
            const cpu = cpuDelta(before, after);
            const byContainer = Object.fromEntries(containers.map(([n]) => [n, containersAfter[n] - containersBefore[n]]));
            s.done(
              `${wrk.rps.toFixed(0)} req/s, p50 ${wrk.p50Ms.toFixed(2)} ms, p99 ${wrk.p99Ms.toFixed(2)} ms, non-2xx ${wrk.non2xx}, CPU µs/request ${containers.map(([n]) => `${n} ${(byContainer[n] / 1000 / wrk.requests).toFixed(0)}`).join(', ')}, pod ${(cpu.usageNs / 1000 / wrk.requests).toFixed(0)}`,
            );
            return { wrk, cpu, containerCpuNs: byContainer };
          },
        );
        runs.push({ variant: v.id, round, startMs: pod.startMs, ...r });
      } finally {
        stopInBackground(pod);
      }
    }
  }
}

const stops: Promise<void>[] = [];
/** Stop a measured pod while the next one starts (starting is mostly waiting for health checks). */
function stopInBackground(pod: RunningPod): void {
  stops.push(pod.stop().catch((e) => reporter.warn(`stopping ${pod.name}: ${(e as Error).message}`)));
}

/** One client at 1x, 2x, 5x ... the configured rate (a fresh identity per level), a second client at half the rate throughout. */
async function limiter(pod: RunningPod, results: Results): Promise<void> {
  const { rate, burst } = results.limiter;
  for (const [i, multiple] of CONFIG.limiterLevels.entries()) {
    const offered = rate * multiple;
    const level = await reporter.step(`limiter ${multiple}x: ${offered} req/s for ${CONFIG.limiterS} s, second client ${rate / 2} req/s`, async (s) => {
      const [flood, second] = await Promise.all([
        paced({
          port: pod.port,
          path: '/',
          ratePerS: offered,
          durationS: CONFIG.limiterS,
          client: `198.18.1.${i + 1}`,
          maxSockets: Math.min(16, results.template.connectionsPerClient - 2),
        }),
        paced({ port: pod.port, path: '/', ratePerS: rate / 2, durationS: CONFIG.limiterS, client: `198.18.2.${i + 1}`, maxSockets: 2 }),
      ]);
      const expected = Math.min(flood.sent, rate * CONFIG.limiterS + burst);
      const deviationPct = ((flood.ok - expected) / expected) * 100;
      s.done(
        `sent ${flood.sent}, accepted ${flood.ok} (expected ${expected}, ${deviationPct >= 0 ? '+' : ''}${deviationPct.toFixed(1)}%), 429 ${flood.limited}, 5xx ${flood.serverErrors}; second client ${second.ok}/${second.sent}`,
      );
      return { multiple, offeredPerS: offered, flood, second, expected, deviationPct };
    });
    results.limiter.levels.push(level);
    await sleep(QUICK ? 200 : 1000);
  }
}

/**
 * The variants of the open-loop section: the template as synthesized, the template as it was before
 * the tail-latency changes (probes every 10 s, conmon inside the task cgroup; README "CPU cap,
 * health checks and tail latency"), each of those two changes alone, no
 * probes during the measurement (ECS's longest interval, 300 s: the runner still probes every second
 * of the start period, so the task starts as usual) and no task CPU cap (a capacity figure).
 */
function latencyVariants(exempt: VariantSpec['env']): VariantSpec[] {
  return [
    { id: 'lat-template', label: 'template task', env: exempt },
    {
      id: 'lat-before',
      label: 'before: probes every 10 s, conmon in the task cgroup',
      env: exempt,
      createTransform: composeTransforms(withHealthInterval(10), withConmonInPod),
    },
    { id: 'lat-10s', label: 'probes every 10 s', env: exempt, createTransform: withHealthInterval(10) },
    { id: 'lat-noprobe', label: 'no probe while measured (interval 300 s)', env: exempt, createTransform: withHealthInterval(300) },
    { id: 'lat-nocap', label: 'no task CPU cap', env: exempt, noCpuCap: true },
  ];
}

async function latency(engine: PodmanEngine, task: BenchTask, exempt: VariantSpec['env'], work: string, script: string, results: Results): Promise<void> {
  const L = CONFIG.latency;
  const podman = engine.podman;
  const variants = latencyVariants(exempt);
  const wrkOpts = (port: number, durationS: number) => ({
    url: `http://127.0.0.1:${port}/`,
    connections: CONFIG.connections,
    threads: CONFIG.threads,
    headers: { 'X-Forwarded-For': LOAD_CLIENT },
    script,
    durationS,
  });
  // The capacity the levels are fractions of: the template task, closed loop, measured first.
  const first = await startPod(engine, task, variants[0], podOptions(work));
  try {
    results.latency.capacityRps = await reporter.step(`capacity of the template task: wrk ${L.capacityS} s`, async (s) => {
      if (CONFIG.warmupS) await runWrk(wrkOpts(first.port, CONFIG.warmupS));
      const w = await runWrk(wrkOpts(first.port, L.capacityS));
      s.done(`${w.rps.toFixed(0)} req/s`);
      return w.rps;
    });
    // The php-fpm floor: the same pool answering the request nginx sends, from a FastCGI client in
    // the pod's network namespace (the pool accepts 127.0.0.1 only), nginx not involved.
    results.latency.floors.phpFpm = await reporter.step(`php-fpm floor (FastCGI client, ${FASTCGI_CONNECTIONS} connections): ${L.capacityS} s`, async (s) => {
      const appName = first.containerNames[task.app];
      const pid = (await podman.ok('app pid', ['container', 'inspect', '--format', '{{.State.Pid}}', appName])).trim();
      // Bundled to plain JavaScript first, so the client needs nothing but node inside the namespace.
      const bundle = path.join(work, 'fastcgi-load.js');
      await execFileAsync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), [
        path.join(ROOT, 'bench', 'fastcgi-load-cli.ts'),
        '--bundle',
        '--platform=node',
        '--target=node20',
        `--outfile=${bundle}`,
        '--log-level=warning',
      ]);
      const load = (durationS: number) =>
        execFileAsync('nsenter', [
          `--net=/proc/${pid}/ns/net`,
          '--',
          process.execPath,
          bundle,
          '--port',
          '9000',
          '--connections',
          String(FASTCGI_CONNECTIONS),
          '--duration',
          String(durationS),
        ]).then((x) => {
          const line = x.stdout.trim().split('\n').pop() ?? '';
          if (!line.startsWith('{'))
            throw new Error(`php-fpm floor: the FastCGI client printed no result (stdout ${JSON.stringify(x.stdout)}, stderr ${JSON.stringify(x.stderr)})`);
          return JSON.parse(line) as FastcgiLoadResult;
        });
      if (CONFIG.warmupS) await load(CONFIG.warmupS);
      const [pod0, app0] = [await podCpu(podman, first.name), await containerCpuNs(podman, appName)];
      const r = await load(L.capacityS);
      const [pod1, app1] = [await podCpu(podman, first.name), await containerCpuNs(podman, appName)];
      if (r.ok !== r.requests || !r.requests) throw new Error(`php-fpm floor: ${r.ok} of ${r.requests} requests answered 200`);
      const floor = {
        rps: r.rps,
        connections: FASTCGI_CONNECTIONS,
        appUsPerRequest: (app1 - app0) / 1000 / r.requests,
        podUsPerRequest: cpuDelta(pod0, pod1).usageNs / 1000 / r.requests,
      };
      s.done(`${r.rps.toFixed(0)} req/s, app ${floor.appUsPerRequest.toFixed(0)} µs/request`);
      return floor;
    });
  } finally {
    stopInBackground(first);
  }
  // The nginx floor: the proxy answering `return 200` itself, the same closed-loop load.
  const floorPod = await startPod(
    engine,
    task,
    { id: 'floor-nginx', label: 'nginx floor: return 200', env: exempt, proxyTemplateText: templateReturning200(task.proxyTemplate.text) },
    podOptions(work),
  );
  try {
    results.latency.floors.nginx = await reporter.step(`nginx floor (return 200): wrk ${L.capacityS} s`, async (s) => {
      if (CONFIG.warmupS) await runWrk(wrkOpts(floorPod.port, CONFIG.warmupS));
      const proxyName = floorPod.containerNames[task.proxy];
      const [pod0, proxy0] = [await podCpu(podman, floorPod.name), await containerCpuNs(podman, proxyName)];
      const w = await runWrk(wrkOpts(floorPod.port, L.capacityS));
      const [pod1, proxy1] = [await podCpu(podman, floorPod.name), await containerCpuNs(podman, proxyName)];
      const floor = { rps: w.rps, proxyUsPerRequest: (proxy1 - proxy0) / 1000 / w.requests, podUsPerRequest: cpuDelta(pod0, pod1).usageNs / 1000 / w.requests };
      s.done(`${w.rps.toFixed(0)} req/s, proxy ${floor.proxyUsPerRequest.toFixed(0)} µs/request`);
      return floor;
    });
  } finally {
    stopInBackground(floorPod);
  }
  const rates = L.fractions.map((fr) => Math.max(1, Math.round(fr * results.latency.capacityRps)));
  for (let round = 1; round <= L.rounds; round++) {
    for (const v of round % 2 ? variants : [...variants].reverse()) {
      const pod = await startPod(engine, task, v, podOptions(work));
      if (!results.latency.variants.find((x) => x.id === v.id))
        results.latency.variants.push({
          id: v.id,
          label: v.label,
          changes: pod.changes.filter((c) => c.removed.length || c.added.length),
          podRemoved: pod.podRemoved,
        });
      try {
        if (round === 1 && (v.id === 'lat-template' || v.id === 'lat-before')) {
          const costs = await reporter.step(`${v.label}: CPU per probe, ${L.probeSamples} probes per command and container`, async (s) => {
            const c = await probeCosts(podman, pod.name, pod.containerNames, L.probeSamples);
            s.done(
              c
                .map(
                  (x) => `${x.container} ${x.command}: pod ${x.podMs.toFixed(1)} ms (container ${x.containerMs.toFixed(1)}, conmon ${x.conmonMs.toFixed(1)})`,
                )
                .join('; '),
            );
            return c;
          });
          results.latency.probes.push({ variant: v.id, costs });
          const idle = await reporter.step(`${v.label}: idle ${L.idleS} s`, async (s) => {
            const before = await podCpu(podman, pod.name);
            await sleep(L.idleS * 1000);
            const d = cpuDelta(before, await podCpu(podman, pod.name));
            s.done(`${(d.usageNs / 1e6 / L.idleS).toFixed(2)} ms CPU per second, ${d.throttled} throttled periods`);
            return d;
          });
          results.latency.idle.push({ variant: v.id, seconds: L.idleS, cpu: idle });
        }
        const levels: LatencyLevel[] = [];
        for (const [i, fraction] of L.fractions.entries()) {
          levels.push(
            await reporter.step(`round ${round}/${L.rounds} ${v.label}: open loop ${rates[i]} req/s (${fraction * 100}%) for ${L.levelS} s`, async (s) => {
              const before = await podCpu(podman, pod.name);
              const r = await paced({ port: pod.port, path: '/', ratePerS: rates[i], durationS: L.levelS, client: LOAD_CLIENT, maxSockets: 16 });
              const cpu = cpuDelta(before, await podCpu(podman, pod.name));
              s.done(
                `p50 ${r.latency.p50Ms.toFixed(2)} ms, p90 ${r.latency.p90Ms.toFixed(2)} ms, p99 ${r.latency.p99Ms.toFixed(2)} ms, ok ${r.ok}/${r.sent}, throttled ${cpu.throttled}/${cpu.periods}`,
              );
              return { fraction, ratePerS: rates[i], paced: r, cpu };
            }),
          );
        }
        const closed = await reporter.step(`round ${round}/${L.rounds} ${v.label}: saturation, wrk ${L.capacityS} s`, async (s) => {
          const before = await podCpu(podman, pod.name);
          const w = await runWrk(wrkOpts(pod.port, L.capacityS));
          const cpu = cpuDelta(before, await podCpu(podman, pod.name));
          s.done(`${w.rps.toFixed(0)} req/s, p99 ${w.p99Ms.toFixed(2)} ms, pod ${(cpu.usageNs / 1000 / w.requests).toFixed(0)} µs/request`);
          return { wrk: w, cpu };
        });
        results.latency.runs.push({ variant: v.id, round, levels, ...closed });
      } finally {
        stopInBackground(pod);
      }
    }
  }
}

async function devloop(podman: Podman, results: Results, work: string, assemblyDir: string): Promise<void> {
  const app = projectAppCommand();
  if (QUICK) {
    results.devloop.synthOnceMs = results.synth.ms;
    return;
  }
  // Synth: the project's command vs ts-node vs the precompiled floor, alternating.
  const jsApp = await reporter.step('compile the app to JavaScript (esbuild, file by file) for the floor', () =>
    buildJsApp(path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-bench', 'js')),
  );
  const commands = [
    { name: `tsx (cdk.json: ${app})`, command: synthCommand(path.join(work, 'synth-tsx')), outdir: path.join(work, 'synth-tsx') },
    { name: 'ts-node --prefer-ts-exts', command: synthCommand(path.join(work, 'synth-ts-node'), TS_NODE_APP), outdir: path.join(work, 'synth-ts-node') },
    {
      name: 'precompiled JavaScript (floor)',
      command: synthCommand(path.join(work, 'synth-js'), `node ${path.relative(ROOT, jsApp)}`),
      outdir: path.join(work, 'synth-js'),
    },
  ];
  results.devloop.synth = await hyperfineAlternating(commands, CONFIG.synthRounds, work, reporter);
  results.devloop.unit = await unitTests(reporter, path.join(work, 'jest.log'));

  // secure-ecs local up: cold (a private, empty podman storage) and cached (the same storage again).
  results.devloop.up = await localUpColdAndCached(podman, { work, assemblyDir, cachedRuns: CONFIG.upCachedRuns, reporter });
}

/** Quick mode: every measurement must have produced numbers. */
function assertNumbers(r: Results): string[] {
  const problems: string[] = [];
  const positive = (what: string, v: number | undefined) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) problems.push(`${what}: ${v}`);
  };
  for (const v of ['hardened', 'unhardened', 'unhardened-limits']) {
    const runs = r.hardening.runs.filter((x) => x.variant === v);
    if (!runs.length) problems.push(`hardening: no run of ${v}`);
    for (const x of runs) {
      positive(`${v} req/s`, x.wrk.rps);
      positive(`${v} p99`, x.wrk.p99Ms);
      if (x.wrk.non2xx) problems.push(`${v}: ${x.wrk.non2xx} non-2xx responses (the load client is not exempt from the limiter)`);
    }
  }
  for (const v of ['features-on', 'features-off']) {
    const runs = r.features.runs.filter((x) => x.variant === v);
    if (!runs.length) problems.push(`features: no run of ${v}`);
    for (const x of runs) positive(`${v} req/s`, x.wrk.rps);
  }
  if (r.limiter.levels.length !== CONFIG.limiterLevels.length) problems.push('limiter: levels missing');
  positive('latency: capacity', r.latency.capacityRps);
  for (const run of r.latency.runs) {
    positive(`latency ${run.variant} saturation req/s`, run.wrk.rps);
    for (const l of run.levels) {
      positive(`latency ${run.variant} ${l.fraction * 100}% p99`, l.paced.latency.p99Ms);
      if (l.paced.ok !== l.paced.sent) problems.push(`latency ${run.variant} ${l.fraction * 100}%: ${l.paced.ok}/${l.paced.sent} answered 2xx`);
    }
  }
  if (r.latency.runs.length !== latencyVariants({}).length * CONFIG.latency.rounds) problems.push('latency: runs missing');
  for (const p of r.latency.probes) for (const c of p.costs) positive(`probe cost ${p.variant} ${c.container} ${c.command}`, c.podMs);
  if (r.latency.probes.length !== 2) problems.push('latency: probe costs missing');
  positive('nginx floor µs/request', r.latency.floors.nginx?.proxyUsPerRequest);
  positive('php-fpm floor µs/request', r.latency.floors.phpFpm?.appUsPerRequest);
  for (const l of r.limiter.levels) {
    positive(`limiter ${l.multiple}x accepted`, l.flood.ok);
    positive(`limiter ${l.multiple}x second client`, l.second.ok);
    if (l.multiple > 2 && !l.flood.limited) problems.push(`limiter ${l.multiple}x: nothing was limited`);
  }
  for (const i of r.images) positive(`image ${i.container} size`, i.bytes);
  if (r.memory.containers.length !== r.template.containers.length) problems.push('memory: a container is missing');
  for (const m of r.memory.containers) positive(`memory of ${m.container}`, m.usageBytes);
  if (!r.synth.reused) positive('synth time', r.synth.ms);
  return problems;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\n${sig}: removing the bench pods\n`);
    void removeAllPods().then(() => process.exit(130));
  });
}

if (renderArg) {
  writeReport(JSON.parse(readFileSync(renderArg, 'utf8')) as Results, path.resolve(outArg ?? path.join(ROOT, 'docs')));
  process.exit(0);
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    process.stderr.write(
      `bench failed: ${e instanceof Error ? `${e.message}${'details' in e && Array.isArray((e as any).details) ? `\n  ${(e as any).details.join('\n  ')}` : ''}` : String(e)}\n`,
    );
    await removeAllPods();
    process.exit(1);
  },
);
