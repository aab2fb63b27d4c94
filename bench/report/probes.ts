/** Section 6, continued: what a health-check probe costs the task, idle CPU, and how the cap, the probes and the CFS period make the tail. */
import { f, median, table } from '../format';
import type { Results } from '../results';
import { taskVcpu } from './closed-loop';
import { levelsOf as levelsOfVariant } from './open-loop';

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
  return out;
}
