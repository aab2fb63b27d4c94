/**
 * docs/benchmarks.md and its SVG plots from one run's results. Pure: everything it says, including
 * the reason given for a missed goal, is computed from the measurements.
 */
import { capacityGoal, cpuFloorGoal, hardeningGoals, openLoopGoal, straddles, type Goal, type OpenLoopLevel } from './goals';
import type { Results, WrkRun } from './results';
import { barChart, lineChart } from './svg';

export type { Goal } from './goals';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const pct = (n: number, d = 1) => `${n >= 0 ? '+' : ''}${n.toFixed(d)}%`;
const MB = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

interface VariantStats {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUsPerReq: number;
  /** Median CPU µs per request of each container's cgroup. */
  readonly containerUsPerReq: Record<string, number>;
  readonly throttledPct: number;
  /** (max - min) / median of the runs' req/s, percent. */
  readonly spreadPct: number;
  readonly runs: WrkRun[];
}

function stats(runs: WrkRun[]): VariantStats {
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
function summaryTable(rows: [string, VariantStats][], base?: { label: string; stats: VariantStats }): string {
  const containers = Object.keys(rows[0]?.[1].containerUsPerReq ?? {});
  return table(
    [
      'variant',
      'median req/s',
      'median p50 ms',
      'median p99 ms',
      ...containers.map((c) => `CPU µs/request ${c}`),
      'CPU µs/request pod',
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

/** "min–max" of per-round ratios. */
const range = (xs: number[]) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

/** a / b of req/s, round by round. */
function perRound(runs: WrkRun[], a: string, b: string): number[] {
  return [...new Set(runs.map((x) => x.round))].map((round) => {
    const x = runs.find((y) => y.round === round && y.variant === a);
    const y = runs.find((z) => z.round === round && z.variant === b);
    return x && y ? x.wrk.rps / y.wrk.rps : NaN;
  });
}

function runsTable(runs: WrkRun[], labels: Record<string, string>): string {
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
      'CPU µs/request pod',
      'CFS periods throttled',
      'pod start',
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

export function renderReport(r: Results): { markdown: string; svgs: Record<string, string>; goals: Goal[] } {
  const goals: Goal[] = [];
  const out: string[] = [];
  const svgs: Record<string, string> = {};
  const taskVcpu = Number(r.template.taskCpu) / 1024;

  // ------------------------------------------------------------------ 1. hardening
  const hv = (id: string) => stats(r.hardening.runs.filter((x) => x.variant === id));
  const H = hv('hardened');
  const U = hv('unhardened');
  const L = hv('unhardened-limits');
  const tputL = H.rps / L.rps;
  const p99L = H.p99 / L.p99;
  const perRoundHL = perRound(r.hardening.runs, 'hardened', 'unhardened-limits');
  const limitsReason = (what: 'throughput' | 'p99', ratioL: number, okL: boolean) =>
    okL
      ? `The security controls are not what costs the ${what === 'p99' ? 'tail latency' : 'throughput'}: with them removed but the task's limits kept the ratio is ${what === 'p99' ? `${f(ratioL)}x` : f(ratioL)}. ` +
        `The difference is the task-level CPU cap: the template gives the whole task Cpu ${r.template.taskCpu} = ${taskVcpu} vCPU (\`task.cpu\`, a hard CFS quota on the pod), ` +
        `the pod was throttled in ${f(H.throttledPct, 0)}% of the CFS periods, and the unhardened pod without limits could use all ${r.machine.cpus} cores. ` +
        (what === 'p99'
          ? `With podman's 100 ms CFS period the task may run ${f(taskVcpu * 100, 0)} ms of every 100 ms; a request that arrives once that is spent waits for the next period, up to ${f((1 - taskVcpu) * 100, 0)} ms: hence a p99 near ${f(H.p99, 0)} ms while the p50 stays at ${f(H.p50)} ms. `
          : '') +
        `That is the task's declared capacity, not a cost of the hardening; raise \`task.cpu\` for more per task.`
      : `The task's CPU cap (Cpu ${r.template.taskCpu} = ${taskVcpu} vCPU, a CFS quota on the pod; the pod was throttled in ${f(H.throttledPct, 0)}% of the CFS periods) explains most of the gap to the unhardened pod without limits, but not all: ` +
        `with the security controls removed and the task's limits kept the ratio is ${what === 'p99' ? `${f(ratioL)}x` : f(ratioL)}, itself outside the goal. ` +
        `CPU per request: hardened ${f(H.cpuUsPerReq, 0)} µs, unhardened with limits ${f(L.cpuUsPerReq, 0)} µs (pod); ` +
        `hardened / unhardened with limits per round ${perRoundHL.map((x) => f(x)).join(', ')}; the runs of one variant spread by ${f(H.spreadPct, 0)}% (hardened) and ${f(L.spreadPct, 0)}% (unhardened with limits) on this shared machine.`;
  goals.push(...hardeningGoals(H, L, perRoundHL));
  const capacityNote =
    `Capacity figure, not a goal: the unhardened pod without any limit served ${f(U.rps, 0)} req/s, ${f(U.rps / H.rps, 1)}x the hardened task ` +
    `(p99 ${f(U.p99)} vs ${f(H.p99)} ms): that is what the task's CPU cap (Cpu ${r.template.taskCpu} = ${taskVcpu} vCPU) costs on this ${r.machine.cpus}-core machine. ` +
    limitsReason('p99', p99L, p99L <= 1.1);

  // ------------------------------------------------------------------ 6. open-loop latency (goals first, section later)
  const lat = r.latency;
  const latLabel = Object.fromEntries(lat.variants.map((v) => [v.id, v.label]));
  const latIds = lat.variants.map((v) => v.id);
  const levelsOf = (id: string): (OpenLoopLevel & { p50Ms: number; p90Ms: number; throttledPct: number })[] =>
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
      };
    });
  const sat = (id: string) => {
    const rs = lat.runs.filter((x) => x.variant === id);
    return {
      rps: median(rs.map((x) => x.wrk.rps)),
      p99: median(rs.map((x) => x.wrk.p99Ms)),
      usPerReq: median(rs.map((x) => x.cpu.usageNs / 1000 / x.wrk.requests)),
      perRound: rs,
    };
  };
  const latPerRound = (a: string, b: string) =>
    [...new Set(lat.runs.map((x) => x.round))].map((round) => {
      const x = lat.runs.find((y) => y.round === round && y.variant === a);
      const y = lat.runs.find((z) => z.round === round && z.variant === b);
      return x && y ? x.wrk.rps / y.wrk.rps : NaN;
    });
  const haveLatency = lat.runs.length > 0 && latIds.includes('lat-template');
  if (haveLatency) {
    goals.push(openLoopGoal(levelsOf('lat-template'), [0.25, 0.5], 10, latIds.includes('lat-noprobe') ? levelsOf('lat-noprobe') : undefined));
    if (latIds.includes('lat-before')) goals.push(capacityGoal(sat('lat-template').rps, sat('lat-before').rps, latPerRound('lat-template', 'lat-before')));
    goals.push(
      cpuFloorGoal(sat('lat-template').usPerReq, { nginxUs: lat.floors.nginx?.proxyUsPerRequest, phpFpmUs: lat.floors.phpFpm?.appUsPerRequest }, 1.3, {
        proxyUs: H.containerUsPerReq[r.features.proxy],
        appUs: H.containerUsPerReq[Object.keys(H.containerUsPerReq).find((c) => c !== r.features.proxy) ?? ''],
      }),
    );
  }

  // ------------------------------------------------------------------ 2. features
  const ON = stats(r.features.runs.filter((x) => x.variant === 'features-on'));
  const OFF = stats(r.features.runs.filter((x) => x.variant === 'features-off'));
  const feat = ON.rps / OFF.rps;
  const featOk = feat >= 0.97;
  const pairs = perRound(r.features.runs, 'features-on', 'features-off');
  goals.push({
    name: 'Proxy features: throughput on/off',
    result: `${f(feat)} (on ${f(ON.rps, 0)} req/s vs off ${f(OFF.rps, 0)} req/s; per round ${range(pairs)})`,
    goal: '>= 0.97',
    met: featOk,
    reason: featOk
      ? straddles(pairs, 0.97, 'median')
      : `Measured cost ${pct((feat - 1) * 100)} of the throughput. CPU per request, features on vs off: ` +
        `${Object.keys(ON.containerUsPerReq)
          .map((c) => `${c} ${f(ON.containerUsPerReq[c], 0)} vs ${f(OFF.containerUsPerReq[c], 0)} µs`)
          .join(', ')}, whole pod ${f(ON.cpuUsPerReq, 0)} vs ${f(OFF.cpuUsPerReq, 0)} µs. ` +
        `The task is capped at ${taskVcpu} vCPU and throttled throughout, so its throughput falls in proportion to the pod's CPU per request` +
        `${
          ON.containerUsPerReq[r.features.proxy] - OFF.containerUsPerReq[r.features.proxy] < (ON.cpuUsPerReq - OFF.cpuUsPerReq) / 2
            ? `; only ${f(ON.containerUsPerReq[r.features.proxy] - OFF.containerUsPerReq[r.features.proxy], 0)} µs of the ${f(ON.cpuUsPerReq - OFF.cpuUsPerReq, 0)} µs difference is in nginx (${r.features.proxy}), where the features run: the rest varies with the machine rather than the config`
            : `, and the difference is in nginx (${r.features.proxy}), where the features run`
        }. ` +
        `Round-by-round ratios ${pairs.map((x) => f(x)).join(', ')} (median ${f(median(pairs))}); the runs of one variant spread by up to ${f(Math.max(ON.spreadPct, OFF.spreadPct), 0)}% on this shared machine.`,
  });

  // ------------------------------------------------------------------ 3. limiter
  const lv = r.limiter.levels;
  const worst = lv.reduce((a, b) => (Math.abs(b.deviationPct) > Math.abs(a.deviationPct) ? b : a), lv[0]);
  const precisionOk = lv.every((l) => Math.abs(l.deviationPct) <= 5);
  const fivexx = lv.reduce((n, l) => n + l.flood.serverErrors + l.second.serverErrors, 0);
  const neterr = lv.reduce((n, l) => n + l.flood.networkErrors + l.second.networkErrors, 0);
  const secondMin = Math.min(...lv.map((l) => (l.second.ok / l.second.sent) * 100));
  const misses = lv.filter((l) => Math.abs(l.deviationPct) > 5);
  goals.push({
    name: 'Limiter precision',
    result: `worst ${pct(worst?.deviationPct ?? NaN)} at ${worst?.multiple}x`,
    goal: 'within ±5% at every level',
    met: precisionOk,
    reason: precisionOk
      ? undefined
      : misses
          .map(
            (l) =>
              `${l.multiple}x: ${l.flood.ok} accepted vs ${l.expected} expected over ${f(l.flood.spanS)} s of sending` +
              `${l.flood.late ? `; ${l.flood.late} of ${l.flood.sent} sends left more than 5 ms late (max ${f(l.flood.maxLagMs, 0)} ms), so the offered load was burstier than paced` : ''}` +
              `${l.flood.networkErrors ? `; ${l.flood.networkErrors} network errors` : ''}` +
              `; nginx's bucket admits the first request and burst more at once, then one every ${f(1000 / r.limiter.rate, 0)} ms, with millisecond accounting`,
          )
          .join('. '),
  });
  goals.push({
    name: 'Limiter: no 5xx',
    result: `${fivexx} 5xx, ${neterr} network errors`,
    goal: '0',
    met: fivexx === 0,
    reason: fivexx ? 'see the per-level table' : undefined,
  });
  const fairOk = secondMin >= 99;
  goals.push({
    name: 'Limiter fairness: second client success',
    result: `${f(secondMin, 1)}% (lowest level)`,
    goal: '>= 99%',
    met: fairOk,
    reason: fairOk
      ? undefined
      : lv
          .filter((l) => l.second.ok < l.second.sent)
          .map((l) => `${l.multiple}x: ${JSON.stringify(l.second.byStatus)}, ${l.second.networkErrors} network errors`)
          .join('; '),
  });

  // ------------------------------------------------------------------ 4. developer loop
  const synthRuns = r.devloop.synth?.runs ?? [];
  const tsx = synthRuns[0];
  const tsNode = synthRuns[1];
  const floor = synthRuns[2];
  if (tsx && tsNode) {
    const ratio = mean(tsx.timesS) / mean(tsNode.timesS);
    const ok = ratio <= 0.4;
    const floorShare = floor ? mean(floor.timesS) / mean(tsNode.timesS) : NaN;
    goals.push({
      name: 'cdk synth: tsx / ts-node',
      result: `${f(ratio)}x (${f(mean(tsx.timesS))} s vs ${f(mean(tsNode.timesS))} s, means; per round ${range(tsx.timesS.map((t, i) => t / tsNode.timesS[i]))})`,
      goal: '<= 0.4x',
      met: ok,
      reason: ok
        ? straddles(
            tsx.timesS.map((t, i) => t / tsNode.timesS[i]),
            0.4,
            'mean',
            true,
          )
        : floor
          ? `Most of a synth is not TypeScript loading. The same app precompiled to JavaScript (no loader at all) takes ${f(mean(floor.timesS))} s, ` +
            `${f(floorShare)}x of the ts-node time${floorShare > 0.4 ? ', so no TypeScript loader can reach 0.4x' : ''}: the CDK CLI, building the construct tree, ` +
            `CloudFormation validation, cdk-nag and the audit plugin dominate. The loaders themselves cost ${f(mean(tsx.timesS) - mean(floor.timesS))} s (tsx) ` +
            `and ${f(mean(tsNode.timesS) - mean(floor.timesS))} s (ts-node, which type-checks): tsx removes ${f(((mean(tsNode.timesS) - mean(tsx.timesS)) / (mean(tsNode.timesS) - mean(floor.timesS))) * 100, 0)}% of the loader time. ` +
            `To reach 0.4x (${f(0.4 * mean(tsNode.timesS))} s) a loader could add at most ${f(0.4 * mean(tsNode.timesS) - mean(floor.timesS))} s to the floor; \`npx tsx\` adds ${f(mean(tsx.timesS) - mean(floor.timesS))} s (starting npx and tsx, and transpiling the app and its imports).`
          : 'no floor measured',
    });
  }

  // ------------------------------------------------------------------ 5. footprint
  const imageGoals: Record<string, number> = { app: 150e6, proxy: 100e6 };
  for (const img of r.images) {
    const limit = imageGoals[img.container];
    if (limit === undefined) continue;
    const ok = img.bytes <= limit;
    goals.push({
      name: `Image size: ${img.container}`,
      result: MB(img.bytes),
      goal: `<= ${MB(limit).replace('.0 ', ' ')}`,
      met: ok,
      reason: ok ? undefined : `${MB(img.bytes - limit)} over`,
    });
  }

  // ================================================================== markdown
  const m = r.machine;
  const quick = r.mode === 'quick';
  out.push('# Benchmarks', '');
  out.push(
    quick
      ? `**Quick smoke run** (\`npm run bench -- --quick\`): tiny durations and one round, only to prove the harness works. These numbers mean nothing; see docs/benchmarks.md for a full run.`
      : `Generated by \`npm run bench\` (bench/run.ts) on ${r.startedAt.slice(0, 10)}; the run took ${(r.durationS / 60).toFixed(1)} minutes. Do not edit by hand: rerun it. ` +
          `Every comparison was measured side by side in this one run (alternating rounds): the machine is shared and noisy, so compare the ratios, not absolute numbers across runs.`,
    '',
  );
  out.push(
    '## Goals',
    '',
    table(
      ['measurement', 'result', 'goal', 'met'],
      goals.map((g) => [g.name, g.result, g.goal, g.met ? 'yes' : '**no**']),
    ),
    '',
  );
  out.push(
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${m.cpus} x ${m.cpuModel} (systemd-detect-virt: ${m.virtualization})`],
        ['Memory', `${m.memoryGiB.toFixed(1)} GiB`],
        ['OS, kernel', `${m.os}, Linux ${m.kernel}, cgroups ${m.cgroups}`],
        ['Podman', `${m.podman}, runtime ${m.runtime}`],
        ['Tools', `Node.js ${m.node}, ${m.wrk}, ${m.hyperfine}`],
      ],
    ),
    '',
    'Other work may have run on the machine at the same time; the alternation spreads such noise over all variants.',
    '',
  );

  out.push(
    '## How the task runs',
    '',
    `The bench synthesizes the app once with the project's own command (\`${r.synth.command.replace(/-o \S+/, '-o <work>/cdk.out')}\`, ${secs(r.synth.ms)}) and builds every pod from that assembly ` +
      "with the local runner's modules (lib/local/): the cloud assembly reader, the translator from the task definition to `podman pod create` / `podman create` arguments, " +
      'the image builder (the images are the CDK assets, tagged with their asset hash) and the TaskRunner, which starts the containers in dependency order, waits until each is HEALTHY ' +
      "and then supervises them exactly as `secure-ecs local up` does (one `podman inspect` a second, the health checks on the definition's Interval; during the start period every second, so pods start fast) in every variant. " +
      `The task runs under the template's limits: Cpu ${r.template.taskCpu} (${taskVcpu} vCPU, a CFS quota on the pod), Memory ${r.template.taskMemory} MiB; ` +
      r.template.containers.map((c) => `${c.name}: user ${c.user}, ${c.memoryMiB} MiB, ${c.cpu} CPU shares`).join('; ') +
      '. Pods are named `bench-<variant>-<pid>`, labelled `secure-ecs.bench` and publish only on 127.0.0.1 (ports 18000-18999). ' +
      'Each variant gets a fresh pod per round: start, warm-up, measurement, stop.',
    '',
  );

  // ------------------------------------------------------------------ 1
  const hLabels = Object.fromEntries(r.hardening.variants.map((v) => [v.id, v.label]));
  out.push('## 1. Cost of hardening', '');
  out.push(
    `Closed-loop load: \`${H.runs[0]?.wrk.command.replace(/--script \S+/, '--script wrk-summary.lua').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:<port>') ?? 'wrk'}\` ` +
      `after a ${r.config.warmupS} s warm-up with the same settings, ${r.config.rounds} rounds, the variants alternating within each round and their order reversed every other round. ` +
      `One client identity (X-Forwarded-For ${r.config.loadClient}, from the trusted host side as the ALB would send it) at ${r.config.connections} connections, below the per-client connection limit (${r.template.connectionsPerClient}). ` +
      `**Exemption from the rate limit:** a raised limit, through the same environment the task uses: \`RATE_LIMIT_PER_SECOND=${r.config.exemptRate}\` (the renderer's maximum) in every variant, ` +
      `so \`limit_req\` still runs on every request but never rejects (the non-2xx column shows it). wrk's \`--latency\` percentiles are read through a Lua \`done\` hook (bench/wrk.ts). ` +
      "CPU µs/request: the CPU time of each container's cgroup and of the pod's cgroup (cpuacct) over the measured run, divided by the requests served; " +
      "under the task's CPU quota, throughput is that quota divided by the pod's CPU per request.",
    '',
    'What the unhardened variants change, derived from the translated template (bench/variants.ts), per container:',
    '',
  );
  for (const v of r.hardening.variants.filter((x) => x.changes.length)) {
    out.push(`- **${v.label}**${v.podRemoved.length ? ` (pod: removed \`${v.podRemoved.join('`, `')}\`)` : ' (pod unchanged)'}:`);
    for (const c of v.changes)
      out.push(
        `  - ${c.container}: removed ${c.removed.map((x) => `\`${x}\``).join(', ') || 'nothing'}; added ${c.added.map((x) => `\`${x}\``).join(', ') || 'nothing'}`,
      );
  }
  const shellArgs = (args: string[]) => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  out.push('', '<details><summary>The exact podman commands of each variant (first round)</summary>', '');
  for (const v of r.hardening.variants) {
    out.push(
      `**${v.label}**`,
      '',
      '```',
      `podman pod create ${shellArgs(v.podArgs)}`,
      ...Object.values(v.createArgs).map((a) => `podman create ${shellArgs(a)}`),
      '```',
      '',
    );
  }
  out.push('</details>');
  out.push(
    '',
    "Health checks, restart policy, environment, stop timeouts, the tmpfs mount itself, the engine's default seccomp profile (the template sets none, so ECS applies Docker's default too) and the pod shape (one network namespace, the same published port) are the same in every variant. " +
      "\"No limits\" leaves podman's defaults: the runner's containers.conf ulimits (at this host's hard limits) and no memory or CPU limit.",
    '',
    summaryTable(
      [H, U, L].map((x, i) => [['hardened (template task)', 'unhardened, no limits', 'unhardened, task limits kept'][i], x]),
      { label: 'hardened', stats: H },
    ),
    '',
    `Hardened / unhardened (no limits) per round: ${perRound(r.hardening.runs, 'hardened', 'unhardened')
      .map((x) => f(x))
      .join(', ')}; ` +
      `hardened / unhardened (task limits kept) per round: ${perRound(r.hardening.runs, 'hardened', 'unhardened-limits')
        .map((x) => f(x))
        .join(', ')} (req/s).`,
    '',
    runsTable(r.hardening.runs, hLabels),
    '',
    '![Throughput per variant](benchmarks/throughput.svg)',
    '',
  );

  // ------------------------------------------------------------------ 2
  out.push('## 2. Cost of the proxy features', '');
  out.push(
    "The hardened template task (with the same raised rate as above), the same proxy image and pod; only the nginx template differs. Both variants bind-mount a template read-only over the image's " +
      '(`--volume <file>:/etc/nginx/templates/nginx.conf.template:ro`), so their container specs differ in nothing else: **on** mounts the template exactly as built into the image, ' +
      "**off** mounts it with these lines removed (a bench-only transform, bench/variants.ts; the image's own renderer still renders it at start, so the rest of the config is identical):",
    '',
  );
  for (const x of r.features.removed) out.push(`- ${x.feature}: ${x.lines.map((l) => `\`${l}\``).join(', ')}`);
  out.push(
    '',
    `The load carries X-Forwarded-For ${r.config.loadClient} in both, so with the features on the real-IP module rewrites the client address on every request and the limiter and connection zones are consulted.`,
    '',
    summaryTable([
      ['features on', ON],
      ['features off', OFF],
    ]),
    '',
    `On / off: ${f(feat)} (median req/s); per round ${pairs.map((x) => f(x)).join(', ')} (median ${f(median(pairs))}).`,
    '',
    runsTable(r.features.runs, { 'features-on': 'features on', 'features-off': 'features off' }),
    '',
  );

  // ------------------------------------------------------------------ 3
  out.push('## 3. Rate limiter precision and fairness', '');
  out.push(
    `The template task exactly as synthesized (RATE_LIMIT_PER_SECOND ${r.limiter.rate}, RATE_LIMIT_BURST ${r.limiter.burst}, CONNECTIONS_PER_CLIENT ${r.template.connectionsPerClient}). ` +
      `For each level one client sends at that multiple of the rate for ${r.limiter.durationS} s, with a fresh identity per level (so each starts with a full burst), ` +
      `while a second client sends ${r.limiter.secondClientRate} req/s (half the rate) during the same ${r.limiter.durationS} s. ` +
      'Identities are X-Forwarded-For values sent from the trusted host side, exactly as test/e2e does. ' +
      'The generator is a small open-loop Node client (bench/paced.ts; wrk2 is not packaged by Debian, and wrk is closed-loop): request i leaves at start + i/rate over keep-alive connections, ' +
      `whatever the answers; the flood uses at most ${Math.min(16, r.template.connectionsPerClient - 2)} connections, below the connection limit, so every 429 is the request-rate limit. ` +
      `Expected accepted = min(sent, rate x ${r.limiter.durationS} s + burst) = min(sent, ${r.limiter.rate * r.limiter.durationS + r.limiter.burst}).`,
    '',
    table(
      [
        'level',
        'offered req/s',
        'sent',
        'sending span s',
        'accepted (200)',
        'expected',
        'deviation',
        '429',
        '429 without Retry-After',
        '5xx',
        'network errors',
        'sends > 5 ms late',
        `second client ok (${r.limiter.secondClientRate} req/s)`,
      ],
      lv.map((l) => [
        `${l.multiple}x`,
        l.offeredPerS,
        l.flood.sent,
        f(l.flood.spanS),
        l.flood.ok,
        l.expected,
        pct(l.deviationPct),
        l.flood.limited,
        l.flood.limitedWithoutRetryAfter,
        l.flood.serverErrors,
        l.flood.networkErrors,
        l.flood.late,
        `${l.second.ok}/${l.second.sent} (${f((l.second.ok / l.second.sent) * 100, 1)}%)`,
      ]),
    ),
    '',
    '![Offered vs accepted](benchmarks/limiter.svg)',
    '',
  );

  // ------------------------------------------------------------------ 4
  out.push('## 4. Developer loop', '');
  if (r.devloop.synth) {
    out.push(
      `\`cdk synth\` of the same app, ${r.config.synthRounds} alternating rounds under hyperfine (each round runs every command once, \`--runs 1\`, the order reversed every other round; ` +
        "`--prepare` empties the output directory first). Each writes its own output directory (`-o`), never the project's cdk.out. CloudFormation validation, cdk-nag and the audit plugin are on in all three, as in `npm start`.",
      '',
      table(
        ['app command', 'mean s', 'min s', 'max s', 'runs', 'vs ts-node'],
        r.devloop.synth.runs.map((x) => [
          x.name,
          f(mean(x.timesS)),
          f(Math.min(...x.timesS)),
          f(Math.max(...x.timesS)),
          x.timesS.length,
          `${f(mean(x.timesS) / mean(tsNode!.timesS))}x`,
        ]),
      ),
      '',
      'Commands (in `<work>`, a temporary directory):',
      '',
      '```',
      ...r.devloop.synth.runs.map((x) => x.command.replace(/\/tmp\/secure-ecs-bench-[^/ ]+/g, '<work>')),
      '```',
      '',
      'One round as run:',
      '',
      '```',
      (r.devloop.synth.invocations[0] ?? '').replace(/\/tmp\/secure-ecs-bench-[^/ ]+/g, '<work>'),
      '```',
      '',
      'The floor is the app compiled file by file to CommonJS with esbuild (bench/devloop.ts `buildJsApp`, not timed), run with plain `node`: the time no TypeScript loader can beat.',
      '',
    );
  } else {
    out.push(`Synth with the project's command: ${secs(r.devloop.synthOnceMs ?? r.synth.ms)} (once; the comparison with ts-node runs only in a full run).`, '');
  }
  if (r.devloop.unit) {
    out.push(
      `Unit tests, \`npx jest\` (what \`npm test\` runs after the type check, before the end-to-end tests): **${secs(r.devloop.unit.ms)}** wall time, exit ${r.devloop.unit.code} (${r.devloop.unit.summary || 'no summary'}).`,
      '',
    );
  }
  if (r.devloop.up?.length) {
    out.push(
      '`secure-ecs local up --detach` (the CLI bundle, as `npm start` builds it), from the command to every container HEALTHY. **Cold:** a private, empty podman storage ' +
        '(`CONTAINERS_STORAGE_CONF` with its own graph root and run root), so the Debian base image (no registry is reachable here: built from the Debian archive with mmdebstrap), ' +
        "both images and podman's pause image are all built; the shared image cache is neither used nor touched. **Cached:** the same storage again, images present. " +
        'The assembly is the one the bench synthesized (a bench project directory whose cdk.json points `output` at it), so `up` does not synthesize unless an input changed meanwhile; each run ends with `secure-ecs local down`.',
      '',
      table(
        ['run', 'wall time', 'exit', 'synthesized', 'built images'],
        r.devloop.up.map((u, i) => [
          `${u.kind}${u.kind === 'cached' ? ` ${i}` : ''}`,
          secs(u.ms),
          u.code,
          u.synthesized ? 'yes' : 'no',
          u.built ? 'yes' : 'no',
        ]),
      ),
      '',
      `Command: \`${r.devloop.up[0].command}\``,
      '',
    );
  }

  // ------------------------------------------------------------------ 5
  out.push('## 5. Footprint', '');
  out.push(
    table(
      ['image', 'size (uncompressed)', 'goal', 'reference'],
      r.images.map((i) => [
        i.container,
        `${MB(i.bytes)} (${MiB(i.bytes)})`,
        imageGoals[i.container] ? `<= ${MB(imageGoals[i.container])}` : '',
        `\`${i.ref.replace(/:(.{12}).*/, ':$1…')}\``,
      ]),
    ),
    '',
    `Size is podman's image size (the layers as stored, uncompressed; MB = 10^6 bytes). Idle memory of the template task, ${r.memory.idleS} s after every container was HEALTHY and before any load, ` +
      "read on the host from each container's memory cgroup (usage includes page cache and the /tmp tmpfs; the working set is usage minus inactive file cache, as `docker stats` shows it):",
    '',
    table(
      ['container', 'usage', 'working set', 'anonymous', 'limit', 'working set / limit'],
      [
        ...r.memory.containers.map((c) => [
          c.container,
          MiB(c.usageBytes),
          MiB(c.workingSetBytes),
          MiB(c.anonBytes),
          c.limitBytes ? MiB(c.limitBytes) : 'none',
          c.limitBytes ? `${f((c.workingSetBytes / c.limitBytes) * 100, 1)}%` : '',
        ]),
        ...(r.memory.pod
          ? [
              [
                'task (pod cgroup)',
                MiB(r.memory.pod.usageBytes),
                MiB(r.memory.pod.workingSetBytes),
                MiB(r.memory.pod.anonBytes),
                r.memory.pod.limitBytes ? MiB(r.memory.pod.limitBytes) : 'none',
                r.memory.pod.limitBytes ? `${f((r.memory.pod.workingSetBytes / r.memory.pod.limitBytes) * 100, 1)}%` : '',
              ],
            ]
          : []),
      ],
    ),
    '',
  );

  // ------------------------------------------------------------------ 6
  if (haveLatency) {
    const quotaMs = taskVcpu * 100;
    out.push("## 6. Open-loop latency under the task's CPU cap", '');
    out.push(
      `What users see below saturation. The template task's capacity was measured first (closed loop, the wrk command of section 1 for ${lat.capacityS} s after a ${r.config.warmupS} s warm-up): **${f(lat.capacityRps, 0)} req/s**. ` +
        `Each variant then gets a fresh pod per round (${lat.rounds} rounds, the order reversed every other round) and an open-loop load at ${lat.fractions.map((x) => `${x * 100}%`).join(', ')} of that capacity ` +
        `(${lat.fractions.map((x) => f(Math.round(x * lat.capacityRps), 0)).join(', ')} req/s), ${lat.levelS} s per level, from bench/paced.ts: request i leaves at start + i/rate whatever the answers, ` +
        `over at most 16 keep-alive connections, one client identity (X-Forwarded-For ${r.config.loadClient}) exempt from the rate limit as in section 1. ` +
        "Latency runs from each request's scheduled slot to the end of its response (so waiting for the generator or a free connection counts), every request kept, exact nearest-rank percentiles (bench/percentiles.ts; no histogram). " +
        `After the levels, the same pod runs the closed-loop wrk load for ${lat.capacityS} s (capacity at saturation). ` +
        "The TaskRunner supervises every pod and runs the health checks at each variant's interval, exactly as `secure-ecs local up` does.",
      '',
      'What each variant changes against the template task (bench/variants.ts):',
      '',
    );
    for (const v of lat.variants) {
      const ch = v.changes.map((c) => `${c.container}: ${[...c.removed.map((x) => `-\`${x}\``), ...c.added.map((x) => `+\`${x}\``)].join(' ')}`);
      out.push(
        `- **${v.label}**: ${[...(v.podRemoved.length ? [`pod: -\`${v.podRemoved.join('`, -`')}\``] : []), ...ch].join('; ') || 'nothing (as synthesized)'}`,
      );
    }
    out.push(
      '',
      table(
        ['variant', ...lat.fractions.map((x) => `${x * 100}%: p50 / p90 / p99 ms`), 'throttled periods at 50%'],
        latIds.map((id) => {
          const ls = levelsOf(id);
          return [
            latLabel[id],
            ...ls.map((l) => `${f(l.p50Ms)} / ${f(l.p90Ms)} / **${f(l.p99Ms)}**`),
            lat.runs.find((x) => x.variant === id)?.levels[0]?.cpu.periods ? `${f(ls.find((l) => l.fraction === 0.5)?.throttledPct ?? NaN, 1)}%` : 'no quota',
          ];
        }),
      ),
      '',
      "Medians over the rounds. Each round's p99, ms:",
      '',
      table(
        ['round', 'variant', ...lat.fractions.map((x) => `p99 at ${x * 100}%`), ...lat.fractions.map((x) => `throttled at ${x * 100}%`), 'late sends'],
        lat.runs.map((x) => [
          x.round,
          latLabel[x.variant],
          ...x.levels.map((l) => f(l.paced.latency.p99Ms)),
          ...x.levels.map((l) => (l.cpu.periods ? `${l.cpu.throttled}/${l.cpu.periods}` : 'no quota')),
          x.levels.reduce((n, l) => n + l.paced.late, 0),
        ]),
      ),
      '',
      '![p99 per load level](benchmarks/latency.svg)',
      '',
      '### Capacity at saturation',
      '',
      table(
        ['variant', 'median req/s', 'median p99 ms', 'CPU µs/request pod', 'variant / template (req/s)'],
        latIds.map((id) => {
          const x = sat(id);
          return [latLabel[id], f(x.rps, 0), f(x.p99), f(x.usPerReq, 0), f(x.rps / sat('lat-template').rps)];
        }),
      ),
      '',
      '### CPU per request against the floors',
      '',
      table(
        ['what', 'req/s', 'CPU µs/request', 'measured in'],
        [
          ['template task at saturation (wrk, as above)', f(sat('lat-template').rps, 0), f(sat('lat-template').usPerReq, 0), 'pod cgroup'],
          ...(lat.floors.nginx
            ? [
                [
                  'nginx floor: the proxy answering `return 200` itself (bench/variants.ts `templateReturning200`), same wrk load',
                  f(lat.floors.nginx.rps, 0),
                  f(lat.floors.nginx.proxyUsPerRequest, 0),
                  'proxy container cgroup',
                ],
              ]
            : []),
          ...(lat.floors.phpFpm
            ? [
                [
                  `php-fpm floor: the request nginx sends for \`GET /\`, from a FastCGI client (bench/fastcgi-load.ts, ${lat.floors.phpFpm.connections} kept-open connections, closed loop) in the pod's network namespace, nginx not involved`,
                  f(lat.floors.phpFpm.rps, 0),
                  f(lat.floors.phpFpm.appUsPerRequest, 0),
                  'app container cgroup',
                ],
              ]
            : []),
        ],
      ),
      '',
      '### Health-check probes',
      '',
      `CPU charged per probe (bench/probe-cost.ts): ${lat.probeSamples} probes per command and container, one at a time 300 ms apart, the median per cgroup: the probed container's cgroup, the pod's \`conmon\` sub-cgroup and the whole pod. ` +
        '`healthcheck` is `podman healthcheck run` (what the runner does); `exec /bin/true` is an exec that runs nothing, the price of the exec alone. ' +
        `The task's quota is ${f(quotaMs, 0)} ms of CPU per 100 ms CFS period.`,
      '',
      table(
        ['variant', 'container', 'command', 'pod ms', 'container cgroup ms', 'conmon sub-cgroup ms', 'wall ms', 'pod / quota of one period'],
        lat.probes.flatMap((p) =>
          p.costs.map((c) => [
            latLabel[p.variant],
            c.container,
            c.command,
            f(c.podMs, 1),
            f(c.containerMs, 1),
            f(c.conmonMs, 1),
            f(c.wallMs, 0),
            `${f((c.podMs / quotaMs) * 100, 0)}%`,
          ]),
        ),
      ),
      '',
    );
    const split = (variant: string) =>
      (lat.probes.find((p) => p.variant === variant)?.costs ?? [])
        .filter((c) => c.command === 'healthcheck')
        .map((c) => {
          const exec = lat.probes.find((p) => p.variant === variant)!.costs.find((x) => x.container === c.container && x.command === 'exec /bin/true');
          return `${c.container}: ${f(c.podMs, 1)} ms to the task, of which the exec ${f(exec?.containerMs ?? NaN, 1)} ms, the script ${f(c.containerMs - (exec?.containerMs ?? NaN), 1)} ms and conmon ${f(c.conmonMs, 1)} ms`;
        })
        .join('; ');
    out.push(
      `Before: ${split('lat-before') || 'n/a'}. Template: ${split('lat-template') || 'n/a'}. ` +
        "The exec is runc's: `runc exec` starts `runc init` inside the container's cgroup before the probe command runs, so even a probe that forks nothing costs about that much. Docker, and so ECS, execs health checks the same way; conmon is podman's (containerd's shim on ECS runs outside the task cgroup).",
      '',
      table(
        ['variant', 'idle window', 'task CPU', 'share of the quota', 'throttled periods'],
        lat.idle.map((x) => [
          latLabel[x.variant],
          `${x.seconds} s`,
          `${f(x.cpu.usageNs / 1e6 / x.seconds, 2)} ms/s`,
          `${f((x.cpu.usageNs / 1e6 / x.seconds / (quotaMs * 10)) * 100, 1)}%`,
          `${x.cpu.throttled}/${x.cpu.periods}`,
        ]),
      ),
      '',
      "Idle CPU: the pod cgroup over the window with no load, the runner supervising and probing at the variant's interval.",
      '',
    );
    const tpl = levelsOf('lat-template');
    const before = latIds.includes('lat-before') ? levelsOf('lat-before') : [];
    const tenS = latIds.includes('lat-10s') ? levelsOf('lat-10s') : [];
    const noCap = latIds.includes('lat-nocap') ? levelsOf('lat-nocap') : [];
    const at = (ls: typeof tpl, fr: number) => f(ls.find((l) => l.fraction === fr)?.p99Ms ?? NaN);
    const execMs = median(
      (lat.probes.find((p) => p.variant === 'lat-template')?.costs ?? []).filter((c) => c.command === 'exec /bin/true').map((c) => c.containerMs),
    );
    out.push(
      '### The cap, the health checks and the CFS period',
      '',
      `\`task.cpu\` ${r.template.taskCpu} is a hard CFS quota on the whole task: ${f(quotaMs, 0)} ms of CPU per 100 ms period, however idle the host. ` +
        `A health-check probe is an exec, and the exec alone costs about ${f(execMs, 0)} ms of CPU in the container's cgroup (table above), ` +
        `so a probe that lands while requests are being served uses up the period's quota and every request in flight waits for the next period, up to ${f(100 - quotaMs, 0)} ms. ` +
        `That is a tail-latency effect, invisible in the median: p99 at 50% load was ${at(before, 0.5)} ms before (probes every 10 s, conmon charged to the task), ` +
        `${at(tenS, 0.5)} ms with conmon outside the task, ${at(tpl, 0.5)} ms with probes every 30 s as now, and ${at(noCap, 0.5)} ms without the cap` +
        (latIds.includes('lat-noprobe')
          ? `; with no probe in the window at all it was ${at(levelsOf('lat-noprobe'), 0.5)} ms (${f(levelsOf('lat-noprobe').find((l) => l.fraction === 0.5)?.throttledPct ?? NaN, 0)}% of the periods throttled), so at half the capacity the load's own bursts also reach the quota on this shared machine. `
          : '. ') +
        `The rounds of one variant differ by up to ${f(
          Math.max(
            ...latIds
              .filter((id) => id !== 'lat-nocap')
              .map((id) => {
                const l = levelsOf(id).find((x) => x.fraction === 0.5);
                return l ? Math.max(...l.p99PerRoundMs) / Math.min(...l.p99PerRoundMs) : NaN;
              }),
          ),
          0,
        )}x at 50%: a ${lat.levelS} s level sees a probe or not by chance, so read the direction, not the digits. ` +
        "A shorter CFS period (the ECS agent's `ECS_CGROUP_CPU_PERIOD`, 8-100 ms) shortens each stall but makes the quota finer-grained for every burst; it is not changed here (100 ms, the agent's default) " +
        "and this run does not measure it. For a latency-sensitive service: raise `task.cpu` (a probe then fits in one period's quota with room to spare), keep the health-check interval at 30 s or more, " +
        'and keep the probe an exec of one small program. Near saturation (75-90% of capacity) the quota itself queues requests whatever the probes do: size `service.minTasks` and the auto scaling target for the p99 you need, not for the throughput.',
      '',
    );
  }

  // ------------------------------------------------------------------ closing note
  out.push('## Closing note', '');
  for (const g of goals) out.push(`- **${g.name}: ${g.result}; goal ${g.goal}: ${g.met ? 'met' : 'missed'}.**${g.reason ? ` ${g.reason}` : ''}`);
  out.push(`- ${capacityNote}`);
  out.push(
    `- Also measured: hardened / unhardened with the task's limits kept: ${f(tputL)} (req/s), ${f(p99L)}x (p99); CPU per request hardened ${f(H.cpuUsPerReq, 0)} µs, unhardened ${f(U.cpuUsPerReq, 0)} µs, unhardened with limits ${f(L.cpuUsPerReq, 0)} µs.`,
  );
  if (r.devloop.unit) out.push(`- Unit tests (\`npx jest\`): ${secs(r.devloop.unit.ms)}.`);
  for (const u of r.devloop.up ?? [])
    if (u.kind === 'cold')
      out.push(
        `- \`secure-ecs local up\` cold: ${secs(u.ms)}; cached: ${(r.devloop.up ?? [])
          .filter((x) => x.kind === 'cached')
          .map((x) => secs(x.ms))
          .join(', ')}.`,
      );
  out.push(
    '',
    `Rerun: \`npm run bench\` (${(r.durationS / 60).toFixed(0)} minutes here; needs podman, wrk and hyperfine from Debian's packages). Smoke test: \`npm run bench -- --quick\`.`,
    '',
  );

  // ------------------------------------------------------------------ svgs
  const levels = lv.map((l) => [l.offeredPerS, l.flood.ok / r.limiter.durationS] as const);
  const maxOffered = Math.max(...lv.map((l) => l.offeredPerS), r.limiter.rate * 2);
  const ideal: [number, number][] = [];
  for (let x = 1; x <= maxOffered * 1.25; x *= 1.05) ideal.push([x, Math.min(x, r.limiter.rate + r.limiter.burst / r.limiter.durationS)]);
  const ticks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t >= r.limiter.rate / 4 && t <= maxOffered * 1.3);
  svgs['limiter.svg'] = lineChart({
    title: `Rate limiter: offered vs accepted (rate ${r.limiter.rate}/s, burst ${r.limiter.burst}, ${r.limiter.durationS} s per level)`,
    xLabel: 'offered by one client, requests/s (log)',
    yLabel: 'accepted (HTTP 200), requests/s (log)',
    log: true,
    xTicks: ticks,
    yTicks: ticks,
    series: [
      {
        name: 'no limit (accepted = offered)',
        points: [
          [ticks[0], ticks[0]],
          [ticks[ticks.length - 1], ticks[ticks.length - 1]],
        ],
        style: 'dashed',
        color: '#999999',
      },
      { name: 'expected: min(offered, rate + burst/T)', points: ideal, style: 'line', color: '#1f77b4' },
      { name: 'measured', points: levels, style: 'points', color: '#d62728' },
      {
        name: 'second client (half the rate)',
        points: lv.map((l) => [r.limiter.secondClientRate * 1.04, l.second.ok / r.limiter.durationS] as const),
        style: 'points',
        color: '#2ca02c',
      },
    ],
  });
  const bars = [
    ...[H, U, L].map((s, i) => ({
      label: ['hardened (template task)', 'unhardened, no limits', 'unhardened, task limits kept'][i],
      value: s.rps,
      runs: s.runs.map((x) => x.wrk.rps),
      color: ['#1f77b4', '#ff7f0e', '#bcbd22'][i],
    })),
    { label: 'proxy features on (hardened)', value: ON.rps, runs: ON.runs.map((x) => x.wrk.rps), color: '#2ca02c' },
    { label: 'proxy features off (hardened)', value: OFF.rps, runs: OFF.runs.map((x) => x.wrk.rps), color: '#98df8a' },
  ];
  svgs['throughput.svg'] = barChart(
    `Throughput at ${r.config.connections} connections (${r.config.wrkS} s runs, ${r.config.rounds} rounds)`,
    'requests/s',
    bars,
  );

  if (haveLatency) {
    const colors = ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];
    const all = latIds.flatMap((id) => levelsOf(id).map((l) => l.p99Ms)).filter((x) => x > 0);
    const yTicks = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t >= Math.min(...all) / 2 && t <= Math.max(...all) * 2);
    svgs['latency.svg'] = lineChart({
      title: `Open-loop p99 vs load (capacity ${f(lat.capacityRps, 0)} req/s, ${lat.levelS} s per level, ${lat.rounds} rounds)`,
      xLabel: "offered load, % of the template task's capacity (log)",
      yLabel: 'p99 latency, ms (log)',
      log: true,
      xTicks: lat.fractions.map((x) => x * 100),
      yTicks,
      series: [
        {
          name: 'goal: 10 ms',
          points: [
            [lat.fractions[0] * 100, 10],
            [lat.fractions[lat.fractions.length - 1] * 100, 10],
          ],
          style: 'dashed',
          color: '#999999',
        },
        ...latIds.map((id, i) => ({
          name: latLabel[id],
          points: levelsOf(id).map((l) => [l.fraction * 100, l.p99Ms] as const),
          style: 'line' as const,
          color: colors[i % colors.length],
        })),
      ],
    });
  }
  return { markdown: out.join('\n'), svgs, goals };
}
