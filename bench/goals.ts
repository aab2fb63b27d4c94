/**
 * The goals the report checks, as pure functions of the measured numbers (tested in
 * test/bench/goals.test.ts). Each returns the row of the goals table and, when it matters, the
 * reason computed from the same numbers.
 */

export interface Goal {
  readonly name: string;
  readonly result: string;
  readonly goal: string;
  readonly met: boolean;
  readonly reason?: string;
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const range = (xs: number[]) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

/** For a met goal whose per-round ratios fall on both sides of it: say that the margin is within the noise. */
export function straddles(perRoundRatios: number[], goal: number, by: string, lowerIsBetter = false): string | undefined {
  const bad = perRoundRatios.filter((x) => (lowerIsBetter ? x > goal : x < goal)).length;
  if (!bad) return undefined;
  return `Met by the ${by}, but ${bad} of ${perRoundRatios.length} rounds alone would miss it (per round ${range(perRoundRatios)}): on this shared machine the margin is within the run-to-run noise.`;
}

export interface ClosedLoop {
  /** Median req/s and p99 ms over the rounds. */
  readonly rps: number;
  readonly p99: number;
}

/**
 * The cost of the hardening: hardened vs unhardened at the SAME task limits (the only difference is
 * the security controls). The pod without any limit is a capacity figure (what the cap costs), not a
 * goal of the hardening, and is reported as such by the caller.
 */
export function hardeningGoals(hardened: ClosedLoop, unhardenedSameLimits: ClosedLoop, perRoundRps: number[]): Goal[] {
  const tput = hardened.rps / unhardenedSameLimits.rps;
  const p99 = hardened.p99 / unhardenedSameLimits.p99;
  const tputOk = tput >= 0.95;
  const p99Ok = p99 <= 1.1;
  return [
    {
      name: 'Hardening: throughput (same task limits)',
      result: `${f(tput)} (hardened ${f(hardened.rps, 0)} req/s vs unhardened ${f(unhardenedSameLimits.rps, 0)} req/s; per round ${range(perRoundRps)})`,
      goal: '>= 0.95',
      met: tputOk,
      reason: tputOk ? straddles(perRoundRps, 0.95, 'median') : `the security controls cost ${f((1 - tput) * 100, 1)}% of the throughput at the same limits`,
    },
    {
      name: 'Hardening: p99 latency (same task limits)',
      result: `${f(p99)}x (hardened ${f(hardened.p99)} ms vs unhardened ${f(unhardenedSameLimits.p99)} ms)`,
      goal: '<= 1.1x',
      met: p99Ok,
      reason: p99Ok ? undefined : `closed-loop p99 at saturation is set by the CFS period; see section 1 for the per-round values`,
    },
  ];
}

export interface OpenLoopLevel {
  /** Offered load as a fraction of the measured capacity (0.25 = 25%). */
  readonly fraction: number;
  readonly ratePerS: number;
  /** Median over the rounds of each round's p99, ms. */
  readonly p99Ms: number;
  /** Each round's p99, ms. */
  readonly p99PerRoundMs: number[];
}

/** p99 at most `limitMs` at each of `fractions` (the default task, health checks and hardening on). */
export function openLoopGoal(
  levels: OpenLoopLevel[],
  fractions: number[],
  limitMs: number,
  /** The same task with no probe during the measurement, to tell a probe stall from the load's own throttling. */
  withoutProbes?: OpenLoopLevel[],
): Goal {
  const picked = fractions.map((fr) => {
    const l = levels.find((x) => Math.abs(x.fraction - fr) < 1e-9);
    if (!l)
      throw new Error(`open-loop goal: no level at ${fr * 100}% of capacity (measured: ${levels.map((x) => `${x.fraction * 100}%`).join(', ') || 'none'})`);
    return l;
  });
  const met = picked.every((l) => l.p99Ms <= limitMs);
  const worstRound = picked.map((l) => Math.max(...l.p99PerRoundMs));
  return {
    name: `Open loop: p99 at ${fractions.map((x) => `${x * 100}%`).join(' and ')} of capacity`,
    result: picked
      .map((l) => `${f(l.p99Ms)} ms at ${l.fraction * 100}% (${f(l.ratePerS, 0)} req/s; rounds ${l.p99PerRoundMs.map((x) => f(x)).join(', ')})`)
      .join('; '),
    goal: `<= ${limitMs} ms`,
    met,
    reason: met
      ? worstRound.some((x) => x > limitMs)
        ? `Met by the median of the rounds, but a single round reached ${f(Math.max(...worstRound))} ms: a probe that lands in a measured window still stalls the task for a CFS period.`
        : undefined
      : picked
          .filter((l) => l.p99Ms > limitMs)
          .map((l) => {
            const ref = withoutProbes?.find((x) => Math.abs(x.fraction - l.fraction) < 1e-9);
            if (!ref) return `at ${l.fraction * 100}% the p99 is ${f(l.p99Ms)} ms (no variant without probes to compare)`;
            return ref.p99Ms > limitMs
              ? `at ${l.fraction * 100}% the same task with no probe in the window also reached ${f(ref.p99Ms)} ms (rounds ${ref.p99PerRoundMs.map((x) => f(x)).join(', ')}): the quota itself throttles at this load here, not only the probes`
              : `at ${l.fraction * 100}% the same task with no probe in the window stayed at ${f(ref.p99Ms)} ms: the miss is the probes' stall`;
          })
          .join('; '),
  };
}

/** Capacity at saturation of the task now vs the task as it was before the change, same run. */
export function capacityGoal(nowRps: number, beforeRps: number, perRound: number[]): Goal {
  const ratio = nowRps / beforeRps;
  const met = ratio >= 0.95;
  return {
    name: 'Capacity at saturation vs before',
    result: `${f(ratio)} (${f(nowRps, 0)} vs ${f(beforeRps, 0)} req/s; per round ${range(perRound)})`,
    goal: '>= 0.95',
    met,
    reason: met ? straddles(perRound, 0.95, 'median') : `the task serves ${f((1 - ratio) * 100, 1)}% fewer requests at saturation than before`,
  };
}

/** The task's CPU per request within `factor` x the sum of the floors (nginx `return 200`, php-fpm over FastCGI). */
export function cpuFloorGoal(
  taskUsPerRequest: number,
  floors: { nginxUs?: number; phpFpmUs?: number },
  factor = 1.3,
  /** CPU per request of the proxy and app containers in the full path, for the reason. */
  containers?: { proxyUs: number; appUs: number },
): Goal {
  const name = 'Task CPU per request vs the floors';
  const goal = `<= ${factor}x (nginx return 200 + php-fpm)`;
  if (floors.nginxUs === undefined || floors.phpFpmUs === undefined) {
    const missing = [floors.nginxUs === undefined ? 'nginx return 200' : '', floors.phpFpmUs === undefined ? 'php-fpm over FastCGI' : ''].filter(Boolean);
    return {
      name,
      result: `${f(taskUsPerRequest, 0)} µs; floor not measured: ${missing.join(', ')}`,
      goal,
      met: false,
      reason: `not measured in this run: ${missing.join(', ')}`,
    };
  }
  const sum = floors.nginxUs + floors.phpFpmUs;
  const ratio = taskUsPerRequest / sum;
  return {
    name,
    result: `${f(ratio)}x (${f(taskUsPerRequest, 0)} µs vs ${f(floors.nginxUs, 0)} + ${f(floors.phpFpmUs, 0)} µs)`,
    goal,
    met: ratio <= factor,
    reason:
      ratio <= factor || !containers
        ? undefined
        : `the proxy container spends ${f(containers.proxyUs, 0)} µs per proxied request against ${f(floors.nginxUs, 0)} µs answering itself, the app ${f(containers.appUs, 0)} µs against ${f(floors.phpFpmUs, 0)} µs over a kept-open FastCGI connection` +
          (containers.proxyUs - floors.nginxUs > containers.appUs - floors.phpFpmUs
            ? `: most of the gap is on nginx's side of the FastCGI hop (a new upstream connection per request, buffering the response), not the PHP work`
            : `: most of the gap is in php-fpm`),
  };
}
