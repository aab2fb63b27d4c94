/** Section 6, continued: what a health-check probe costs the task, idle CPU, and how the cap, the probes and the CFS period make the tail. */
import { f, median, table } from '../format';
import type { Results } from '../results';
import { cfsStall, taskVcpu } from './closed-loop';
import { levelsOf as levelsOfVariant, type LevelStats } from './open-loop';

export function probesMarkdown(r: Results): string[] {
  const lat = r.latency;
  const latLabel = Object.fromEntries(lat.variants.map((v) => [v.id, v.label]));
  const latIds = lat.variants.map((v) => v.id);
  const levelsOf = (id: string) => levelsOfVariant(lat, id);
  const quotaMs = taskVcpu(r) * 100;
  const out: string[] = [];
  out.push(
    '### Health-check probes',
    '',
    `CPU charged per probe (bench/probe-cost.ts): ${lat.probeSamples} probes per command and container, one at a time 300 ms apart, the median per cgroup: the probed container's cgroup, the task's \`conmon\` sub-cgroup (podman's; Docker has none, so 0 there) and the whole task. ` +
      (r.engine === undefined
        ? '`healthcheck` is `podman healthcheck run` (what the runner did in this podman-only run); '
        : "`healthcheck` is the health check's command run through the engine's exec (`CMD` as is, `CMD-SHELL` through `/bin/sh -c`, as Docker runs a probe); ") +
      '`exec /bin/true` is an exec that runs nothing, the price of the exec alone. ' +
      `The task's quota is ${f(quotaMs, 0)} ms of CPU per 100 ms CFS period.`,
    '',
    table(
      ['variant', 'container', 'command', 'task ms', 'container cgroup ms', 'conmon sub-cgroup ms', 'wall ms', 'task / quota of one period'],
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
    `${lat.probes.map((p) => `${latLabel[p.variant] ?? p.variant}: ${split(p.variant) || 'n/a'}`).join('. ') || 'No probe was measured'}. ` +
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
    "Idle CPU: the task cgroup over the window with no load, the runner supervising and probing at the variant's interval.",
    '',
  );
  const execMs = median(
    (lat.probes.find((p) => p.variant === 'lat-template')?.costs ?? []).filter((c) => c.command === 'exec /bin/true').map((c) => c.containerMs),
  );
  const at50 = (id: string) => levelsOf(id).find((l) => l.fraction === 0.5);
  const noprobe = latIds.includes('lat-noprobe') ? at50('lat-noprobe') : undefined;
  out.push(
    '### The cap, the health checks and the CFS period',
    '',
    `\`task.cpu\` ${r.template.taskCpu} is a hard CFS quota on the whole task: ${f(quotaMs, 0)} ms of CPU per 100 ms period, however idle the host. ` +
      `A health-check probe is an exec, and the exec alone costs about ${f(execMs, 0)} ms of CPU in the container's cgroup (table above), ` +
      `so a probe that lands while requests are being served uses up part of the period's quota, and once the quota is spent every request in flight waits for the next period, ${cfsStall(r)}. ` +
      `That is a tail-latency effect, invisible in the median: p99 at 50% load was ${f(at50('lat-template')?.p99Ms ?? NaN)} ms for the template task (each variant against it below)` +
      (noprobe ? noProbeClause(noprobe) : '. ') +
      `The rounds of one variant differ by up to ${f(
        Math.max(
          ...latIds
            .filter((id) => id !== 'lat-nocap')
            .map((id) => {
              const l = at50(id);
              return l ? Math.max(...l.p99PerRoundMs) / Math.min(...l.p99PerRoundMs) : NaN;
            }),
        ),
        0,
      )}x at 50%: a ${lat.levelS} s level sees a probe or not by chance, so read the direction, not the digits. ` +
      "A shorter CFS period (the ECS agent's `ECS_CGROUP_CPU_PERIOD`, 8-100 ms) shortens each stall but makes the quota finer-grained for every burst; it is not changed here (100 ms, the agent's default) " +
      'and this run does not measure it.',
    '',
    ...whatMovedTheTail(r),
    'Near saturation (75-90% of capacity) the quota itself queues requests whatever the probes do: size `service.minTasks` and the auto scaling target for the p99 you need, not for the throughput.',
    '',
  );
  return out;
}

/** Below this share of throttled periods (3 of a 60 s level's 600) the quota did not set the no-probe twin's tail. */
const QUOTA_REACHED_PCT = 0.5;

/**
 * What the no-probe twin at 50% says about the template's tail: its own bursts reached the quota, or,
 * with (almost) no period throttled, the quota was not what set its tail, the shared machine was.
 */
function noProbeClause(l: LevelStats): string {
  if (l.throttledPct >= QUOTA_REACHED_PCT) {
    return `; with no probe in the window (${f(l.throttledPct, 0)}% of the periods throttled) the load's own bursts are what reach the quota. `;
  }
  const idle = Number.isFinite(l.hostIdlePct) ? `, the host ${f(l.hostIdlePct, 0)}% idle` : '';
  return `; with no probe in the window ${f(l.throttledPct, 1)}% of the periods were throttled, so the quota did not set its tail (p99 ${f(l.p99Ms)} ms): the machine did (the load generator and the engine's processes share its cores${idle}). `;
}

/**
 * Each variant's p99 at 50% load against the template task's, judged by the rounds: lower or higher
 * only when every round of one lies beyond every round of the other, otherwise no clear difference.
 * Computed from whichever variants the run measured, so it holds for any template and any variant set.
 */
function whatMovedTheTail(r: Results): string[] {
  const lat = r.latency;
  const at50 = (id: string) => levelsOfVariant(lat, id).find((l) => l.fraction === 0.5);
  const tpl = at50('lat-template');
  if (!tpl?.p99PerRoundMs.length) return [];
  const [tMin, tMax] = [Math.min(...tpl.p99PerRoundMs), Math.max(...tpl.p99PerRoundMs)];
  const verdict = (rounds: number[]) =>
    Math.min(rounds.length, tpl.p99PerRoundMs.length) < 2
      ? 'one round only: a direction, not a finding'
      : Math.max(...rounds) < tMin
        ? 'lower in every round'
        : Math.min(...rounds) > tMax
          ? 'higher in every round'
          : 'rounds overlap: no clear difference';
  const lines = lat.variants
    .filter((v) => v.id !== 'lat-template')
    .map((v) => ({ v, l: at50(v.id) }))
    .filter((x) => x.l?.p99PerRoundMs.length)
    .map(({ v, l }) => `- ${v.label}: p99 ${f(l!.p99Ms)} ms against ${f(tpl.p99Ms)} ms (${f(l!.p99Ms / tpl.p99Ms)}x), ${verdict(l!.p99PerRoundMs)}.`);
  if (!lines.length) return [];
  return [
    `What each change did to the template task's tail in this run (p99 at 50% of the template's capacity, medians over ${lat.rounds} round${lat.rounds === 1 ? '' : 's'}; ` +
      'every variant gets the same request rates, so a smaller task runs nearer its own capacity). Choose the task size and probe interval from these rows, not from a fixed rule; keep the probe an exec of one small program:',
    '',
    ...lines,
    '',
  ];
}
