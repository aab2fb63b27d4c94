/** Section 6: open-loop latency under the task's CPU cap, capacity at saturation, CPU per request against the floors. */
import { f, median, table } from '../format';
import { capacityGoal, capacityPerVcpuGoal, cpuFloorGoal, openLoopGoal, type Goal } from '../goals';
import { pacedSocketsOf, type FloorAtRate, type Results } from '../results';
import { hardeningStats, taskVcpu } from './closed-loop';
import { haveLatency, latPerRound, levelAt, levelsOf as levelsOfVariant, NOT_MEASURED, sat as saturation, usPerRequest, type LevelStats } from './open-loop';
import { probesMarkdown } from './probes';
import { tailTable } from './tail';
import type { Section } from './section';

/** The section's goals; computed for a run without the section too (it then reports them as not measured). */
export function latencyGoals(r: Results): Goal[] {
  const lat = r.latency;
  const latIds = lat.variants.map((v) => v.id);
  const levelsOf = (id: string) => levelsOfVariant(lat, id);
  const sat = (id: string) => saturation(lat, id);
  const H = hardeningStats(r, 'hardened');
  const goals: Goal[] = [];
  // What each level's load took of the task's vCPUs (its rate times its CPU per request).
  const withQuota = (ls: LevelStats[]) => ls.map((l) => ({ ...l, quotaUsedPct: ((l.ratePerS * l.taskUsPerRequest) / 1e6 / taskVcpu(r)) * 100 }));
  goals.push(openLoopGoal(withQuota(levelsOf('lat-template')), [0.25, 0.5, 0.75], 10, latIds.includes('lat-noprobe') ? levelsOf('lat-noprobe') : undefined));
  if (latIds.includes('lat-before')) goals.push(capacityGoal(sat('lat-template').rps, sat('lat-before').rps, latPerRound(lat, 'lat-template', 'lat-before')));
  goals.push(capacityPerVcpuGoal(sat('lat-template').rps, taskVcpu(r)));
  goals.push(
    cpuFloorGoal({
      taskUsPerRequest: sat('lat-template').usPerReq,
      floors: { nginxUs: lat.floors.nginx?.proxyUsPerRequest, phpFpmUs: lat.floors.phpFpm?.appUsPerRequest },
      factor: 1.3,
      // The containers' share comes from section 1's hardened runs: none in a run without it (`--only`).
      containers: H.runs.length
        ? {
            proxyUs: H.containerUsPerReq[r.features.proxy],
            appUs: H.containerUsPerReq[Object.keys(H.containerUsPerReq).find((c) => c !== r.features.proxy) ?? ''],
          }
        : undefined,
      rates:
        lat.floors.nginx && lat.floors.phpFpm
          ? { taskRps: sat('lat-template').rps, nginxRps: lat.floors.nginx.rps, phpFpmRps: lat.floors.phpFpm.rps }
          : undefined,
      atTaskRate:
        lat.floors.nginx?.atTaskRate && lat.floors.phpFpm?.atTaskRate
          ? {
              ratePerS: lat.floors.nginx.atTaskRate.ratePerS,
              nginxUs: lat.floors.nginx.atTaskRate.proxyUsPerRequest,
              phpFpmUs: lat.floors.phpFpm.atTaskRate.appUsPerRequest,
            }
          : undefined,
    }),
  );
  return goals;
}

/** How an open-loop floor's load went: its slots (rate x seconds), how many left late, how many were answered. */
const floorLoad = (at: FloorAtRate, seconds: number): string => {
  const sent = Math.round(at.ratePerS * seconds);
  return `${at.late} of ${sent} requests sent more than 5 ms late, ${at.answered} answered`;
};

export function latencySection(r: Results): Section {
  if (!haveLatency(r.latency)) return { markdown: [], goals: [], notes: [] };
  const lat = r.latency;
  const latLabel = Object.fromEntries(lat.variants.map((v) => [v.id, v.label]));
  const latIds = lat.variants.map((v) => v.id);
  const levelsOf = (id: string) => levelsOfVariant(lat, id);
  const sat = (id: string) => saturation(lat, id);
  const byRound = (id: string) => {
    const ratios = latPerRound(lat, id, 'lat-template', usPerRequest);
    return `${f(median(ratios))} (${ratios.map((x) => f(x)).join(', ')})`;
  };
  const out: string[] = [];
  out.push("## 6. Open-loop latency under the task's CPU cap", '');
  out.push(
    `What users see below saturation. The template task's capacity was measured first (closed loop, the wrk command of section 1 for ${lat.capacityS} s after a ${r.config.warmupS} s warm-up): **${f(lat.capacityRps, 0)} req/s**. ` +
      `Each variant then gets a fresh task per round (${lat.rounds} rounds, the order reversed every other round) and an open-loop load at ${lat.fractions.map((x) => `${x * 100}%`).join(', ')} of that capacity ` +
      `(${lat.fractions.map((x) => f(Math.round(x * lat.capacityRps), 0)).join(', ')} req/s), ${lat.levelS} s per level${
        lat.leverFractions
          ? ` (the variants other than the template task and its no-probe twin at ${lat.leverFractions.map((x) => `${x * 100}%`).join(', ')} only)`
          : ''
      }, from bench/paced.ts: request i leaves at start + i/rate whatever the answers, ` +
      `over at most ${pacedSocketsOf(r)} keep-alive connections, one client identity (X-Forwarded-For ${r.config.loadClient}) exempt from the rate limit as in section 1. ` +
      "Latency runs from each request's scheduled slot to the end of its response (so waiting for the generator or a free connection counts), every request kept, exact nearest-rank percentiles (bench/percentiles.ts; no histogram). " +
      `After the levels, the same task runs the closed-loop wrk load for ${lat.capacityS} s (capacity at saturation). ` +
      "The TaskRunner supervises every task and runs the health checks at each variant's interval, exactly as `secure-ecs local up` does.",
    '',
    'What each variant changes against the template task (bench/variants.ts):',
    '',
  );
  for (const v of lat.variants) {
    const ch = v.changes.map((c) => `${c.container}: ${[...c.removed.map((x) => `-\`${x}\``), ...c.added.map((x) => `+\`${x}\``)].join(' ')}`);
    out.push(
      `- **${v.label}**: ${[...(v.podRemoved.length ? [`task: -\`${v.podRemoved.join('`, -`')}\``] : []), ...ch].join('; ') || 'nothing (as synthesized)'}` +
        (v.capacityScale ? `; its levels at ${f(v.capacityScale)}x the template's rates, the same fractions of its own capacity` : ''),
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
          ...ls.map((l) => (l.p99PerRoundMs.length ? `${f(l.p50Ms)} / ${f(l.p90Ms)} / **${f(l.p99Ms)}**` : NOT_MEASURED)),
          lat.runs.find((x) => x.variant === id)?.levels[0]?.cpu.periods ? `${f(ls.find((l) => l.fraction === 0.5)?.throttledPct ?? NaN, 1)}%` : 'no quota',
        ];
      }),
    ),
    '',
    // Late sends per level, not summed over a round: the lever variants run fewer levels than the template task.
    "Medians over the rounds. Each round's p99 (ms), its throttled CFS periods, and its late sends (requests the paced generator sent more than 5 ms after their slot: the bench machine, not the task, fell behind; their latency still counts from the slot):",
    '',
    table(
      [
        'round',
        'variant',
        ...lat.fractions.map((x) => `p99 at ${x * 100}%`),
        ...lat.fractions.map((x) => `throttled at ${x * 100}%`),
        ...lat.fractions.map((x) => `late sends at ${x * 100}%`),
      ],
      lat.runs.map((x) => [
        x.round,
        latLabel[x.variant],
        ...lat.fractions.map((fr) => levelAt(x, fr, (l) => f(l.paced.latency.p99Ms))),
        ...lat.fractions.map((fr) => levelAt(x, fr, (l) => (l.cpu.periods ? `${l.cpu.throttled}/${l.cpu.periods}` : 'no quota'))),
        ...lat.fractions.map((fr) => levelAt(x, fr, (l) => String(l.paced.late))),
      ]),
    ),
    '',
    ...tailTable(r),
    '![p99 per load level](latency.svg)',
    '',
    '### Capacity at saturation',
    '',
    table(
      [
        'variant',
        'median req/s',
        'median p99 ms',
        'CPU µs/request task',
        'variant / template (req/s)',
        'CPU µs/request, variant / template by round: median (rounds)',
      ],
      latIds.map((id) => {
        const x = sat(id);
        return [latLabel[id], f(x.rps, 0), f(x.p99), f(x.usPerReq, 0), f(x.rps / sat('lat-template').rps), id === 'lat-template' ? f(1) : byRound(id)];
      }),
    ),
    '',
    // The medians of two noisy variants can hide a difference each round shows (or show one no round has).
    'The last column pairs each variant with the template task of the same round (they ran minutes apart), so a machine that slowed down for a round moves both.',
    '',
    '### CPU per request against the floors',
    '',
    table(
      ['what', 'req/s', 'CPU µs/request', 'measured in'],
      [
        ['template task at saturation (wrk, as above)', f(sat('lat-template').rps, 0), f(sat('lat-template').usPerReq, 0), 'task cgroup'],
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
                `php-fpm floor: the request nginx sends for \`GET /\`, from a FastCGI client (bench/fastcgi-load.ts, ${lat.floors.phpFpm.connections} kept-open connections, closed loop) in the task's network namespace, nginx not involved`,
                f(lat.floors.phpFpm.rps, 0),
                f(lat.floors.phpFpm.appUsPerRequest, 0),
                'app container cgroup',
              ],
            ]
          : []),
        ...(lat.floors.nginx?.atTaskRate
          ? [
              [
                `nginx floor at the template's rate: the same task, open loop (bench/paced.ts, at most ${pacedSocketsOf(r)} connections; ${floorLoad(lat.floors.nginx.atTaskRate, lat.capacityS)})`,
                f(lat.floors.nginx.atTaskRate.ratePerS, 0),
                f(lat.floors.nginx.atTaskRate.proxyUsPerRequest, 0),
                'proxy container cgroup',
              ],
            ]
          : []),
        ...(lat.floors.phpFpm?.atTaskRate
          ? [
              [
                `php-fpm floor at the template's rate: the same client, open loop over its ${lat.floors.phpFpm.connections} connections (${floorLoad(lat.floors.phpFpm.atTaskRate, lat.capacityS)})`,
                f(lat.floors.phpFpm.atTaskRate.ratePerS, 0),
                f(lat.floors.phpFpm.atTaskRate.appUsPerRequest, 0),
                'app container cgroup',
              ],
            ]
          : []),
      ],
    ),
    '',
  );
  return { markdown: [...out, ...probesMarkdown(r)], goals: latencyGoals(r), notes: [] };
}
