/** Section 1: the cost of hardening, closed loop, at the template's limits and without them. */
import { f } from '../format';
import { hardeningGoals } from '../goals';
import type { Results } from '../results';
import { cfsStall, hardeningStats, perRound, runsTable, summaryTable, taskCores, taskVcpu as vcpuOf } from './closed-loop';
import type { Section } from './section';
import { engineName } from './setting';
import { shellQuote } from '../../lib/local/host/shell-quote';

type HardeningVariant = Results['hardening']['variants'][number];

/** What a task without limits could use: the machine's cores, or the cores of the run's measurement-only cpuset (bench/pinning.ts). */
function coresPhrase(r: Results): { all: string; on: string } {
  if (!(r.pinning && 'taskCpus' in r.pinning)) return { all: `all ${r.machine.cpus} cores`, on: `this ${r.machine.cpus}-core machine` };
  const n = taskCores(r);
  const cpuset = `the ${n === 1 ? 'core' : `${n} cores`} of the bench's cpuset for tasks (CPU ${r.pinning.taskCpus})`;
  return { all: cpuset, on: cpuset };
}

/**
 * What each variant gave the engine, first round. Runs since the bench moved to the engine interface
 * record the task and container specs as engine-neutral `field value` lines (bench/sections/spec-lines.ts);
 * older, podman-only runs recorded podman's flags, shown as the commands they were.
 */
function specDetails(variants: readonly HardeningVariant[]): string[] {
  const flags = variants.some((v) => v.podArgs.some((a) => a.startsWith('--')));
  const shellArgs = (args: string[]) => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : shellQuote(a))).join(' ');
  const out = [
    flags
      ? '<details><summary>The exact podman commands of each variant (first round)</summary>'
      : '<details><summary>The task and container specs each variant gave the engine (first round; engine-neutral `field value` lines, bench/sections/spec-lines.ts; names, labels, ports, images and environment left out)</summary>',
    '',
  ];
  for (const v of variants) {
    const body = flags
      ? [`podman pod create ${shellArgs(v.podArgs)}`, ...Object.values(v.createArgs).map((a) => `podman create ${shellArgs(a)}`)]
      : [`# task`, ...v.podArgs, ...Object.entries(v.createArgs).flatMap(([name, lines]) => ['', `# ${name}`, ...lines])];
    out.push(`**${v.label}**`, '', '```', ...body, '```', '');
  }
  out.push('</details>');
  return out;
}

export function hardeningSection(r: Results): Section {
  const taskVcpu = vcpuOf(r);
  const H = hardeningStats(r, 'hardened');
  const U = hardeningStats(r, 'unhardened');
  const L = hardeningStats(r, 'unhardened-limits');
  const tputL = H.rps / L.rps;
  const p99L = H.p99 / L.p99;
  const perRoundHL = perRound(r.hardening.runs, 'hardened', 'unhardened-limits');
  const limitsReason = (what: 'throughput' | 'p99', ratioL: number, okL: boolean) =>
    okL
      ? `The security controls are not what costs the ${what === 'p99' ? 'tail latency' : 'throughput'}: with them removed but the task's limits kept the ratio is ${what === 'p99' ? `${f(ratioL)}x` : f(ratioL)}. ` +
        `The difference is the task-level CPU cap: the template gives the whole task Cpu ${r.template.taskCpu} = ${taskVcpu} vCPU (\`task.cpu\`, a hard CFS quota on the task cgroup), ` +
        `the task was throttled in ${f(H.throttledPct, 0)}% of the CFS periods, and the unhardened task without limits could use ${coresPhrase(r).all}. ` +
        (what === 'p99'
          ? `With the 100 ms CFS period (the engines' default, as the ECS agent's) the task may run ${f(taskVcpu * 100, 0)} ms of every 100 ms; a request that arrives once that is spent waits for the next period, ${cfsStall(r)}: hence a p99 near ${f(H.p99, 0)} ms while the p50 stays at ${f(H.p50)} ms. `
          : '') +
        `That is the task's declared capacity, not a cost of the hardening; raise \`task.cpu\` for more per task.`
      : `The task's CPU cap (Cpu ${r.template.taskCpu} = ${taskVcpu} vCPU, a CFS quota on the task cgroup; the task was throttled in ${f(H.throttledPct, 0)}% of the CFS periods) explains most of the gap to the unhardened task without limits, but not all: ` +
        `with the security controls removed and the task's limits kept the ratio is ${what === 'p99' ? `${f(ratioL)}x` : f(ratioL)}, itself outside the goal. ` +
        `CPU per request: hardened ${f(H.cpuUsPerReq, 0)} µs, unhardened with limits ${f(L.cpuUsPerReq, 0)} µs (task); ` +
        `hardened / unhardened with limits per round ${perRoundHL.map((x) => f(x)).join(', ')}; the runs of one variant spread by ${f(H.spreadPct, 0)}% (hardened) and ${f(L.spreadPct, 0)}% (unhardened with limits) on this shared machine.`;
  const capacityNote =
    `Capacity figure, not a goal: the unhardened task without any limit served ${f(U.rps, 0)} req/s, ${f(U.rps / H.rps, 1)}x the hardened task ` +
    `(p99 ${f(U.p99)} vs ${f(H.p99)} ms): that is what the task's CPU cap (Cpu ${r.template.taskCpu} = ${taskVcpu} vCPU) costs on ${coresPhrase(r).on}. ` +
    limitsReason('p99', p99L, p99L <= 1.1);

  const out: string[] = [];
  const hLabels = Object.fromEntries(r.hardening.variants.map((v) => [v.id, v.label]));
  out.push('## 1. Cost of hardening', '');
  out.push(
    `Closed-loop load: \`${H.runs[0]?.wrk.command.replace(/--script \S+/, '--script wrk-summary.lua').replace(/http:\/\/[\d.]+:\d+\//, 'http://<load target>/') ?? 'wrk'}\` ` +
      `after a ${r.config.warmupS} s warm-up with the same settings, ${r.config.rounds} rounds, the variants alternating within each round and their order reversed every other round. ` +
      `One client identity (X-Forwarded-For ${r.config.loadClient}, from the trusted host side as the ALB would send it) at ${r.config.connections} connections, below the per-client connection limit (${r.template.connectionsPerClient}). ` +
      `**Exemption from the rate limit:** a raised limit, through the same environment the task uses: \`RATE_LIMIT_PER_SECOND=${r.config.exemptRate}\`` +
      (r.config.exemptBurst
        ? ` and \`RATE_LIMIT_BURST=${r.config.exemptBurst}\` (the renderer's maximums; nginx counts the requests of one millisecond against the burst, whatever the rate)`
        : ` (the renderer's maximum)`) +
      ` in every variant, ` +
      `so \`limit_req\` still runs on every request but never rejects (the non-2xx column shows it). wrk's \`--latency\` percentiles are read through a Lua \`done\` hook (bench/wrk.ts). ` +
      "CPU µs/request: the CPU time of each container's cgroup and of the task's cgroup (cpuacct) over the measured run, divided by the requests served; " +
      "under the task's CPU quota, throughput is that quota divided by the task's CPU per request.",
    '',
    'What the unhardened variants change, derived from the translated template (bench/variants.ts), per container:',
    '',
  );
  for (const v of r.hardening.variants.filter((x) => x.changes.length)) {
    out.push(`- **${v.label}**${v.podRemoved.length ? ` (task: removed \`${v.podRemoved.join('`, `')}\`)` : ' (task-level fields unchanged)'}:`);
    for (const c of v.changes)
      out.push(
        `  - ${c.container}: removed ${c.removed.map((x) => `\`${x}\``).join(', ') || 'nothing'}; added ${c.added.map((x) => `\`${x}\``).join(', ') || 'nothing'}`,
      );
  }
  out.push('', ...specDetails(r.hardening.variants));
  out.push(
    '',
    "Health checks, restart policy, environment, stop timeouts, the tmpfs mount itself, the engine's default seccomp profile (the template sets none, so ECS applies Docker's default too) and the task's shape (one network namespace, the same published port) are the same in every variant. " +
      `"No limits" leaves ${engineName(r)}'s defaults: ${r.engine === 'docker' ? "the daemon's default ulimits" : "the runner's containers.conf ulimits (at this host's hard limits)"} and no memory or CPU limit.`,
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
    '![Throughput per variant](throughput.svg)',
    '',
  );
  return {
    markdown: out,
    goals: hardeningGoals(H, L, perRoundHL),
    notes: [
      capacityNote,
      `Also measured: hardened / unhardened with the task's limits kept: ${f(tputL)} (req/s), ${f(p99L)}x (p99); CPU per request hardened ${f(H.cpuUsPerReq, 0)} µs, unhardened ${f(U.cpuUsPerReq, 0)} µs, unhardened with limits ${f(L.cpuUsPerReq, 0)} µs.`,
    ],
  };
}
