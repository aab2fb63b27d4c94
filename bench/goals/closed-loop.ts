/**
 * Goals of the closed-loop measurements (wrk at saturation): the cost of the hardening, of the
 * proxy features, and the capacity against the task as it was before.
 */
import { f, median, pct, range } from '../format';
import { straddles, type Goal } from './goal';

export interface ClosedLoop {
  /** Median req/s and p99 ms over the rounds. */
  readonly rps: number;
  readonly p99: number;
}

/** A closed-loop variant with its CPU cost, for the reason of a missed goal. */
export interface ClosedLoopCost extends ClosedLoop {
  /** Median CPU µs per request of the pod cgroup, and of each container's cgroup. */
  readonly cpuUsPerReq: number;
  readonly containerUsPerReq: Record<string, number>;
  /** (max - min) / median of the runs' req/s, percent. */
  readonly spreadPct: number;
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

/**
 * The proxy features (real IP, limiter and connection zones) cost at most 3% of the throughput:
 * the same task with the features on and off, round by round.
 */
export function featuresGoal(on: ClosedLoopCost, off: ClosedLoopCost, pairs: number[], task: { vcpu: number; proxy: string }): Goal {
  const feat = on.rps / off.rps;
  const featOk = feat >= 0.97;
  const proxyDiff = on.containerUsPerReq[task.proxy] - off.containerUsPerReq[task.proxy];
  const podDiff = on.cpuUsPerReq - off.cpuUsPerReq;
  return {
    name: 'Proxy features: throughput on/off',
    result: `${f(feat)} (on ${f(on.rps, 0)} req/s vs off ${f(off.rps, 0)} req/s; per round ${range(pairs)})`,
    goal: '>= 0.97',
    met: featOk,
    reason: featOk
      ? straddles(pairs, 0.97, 'median')
      : `Measured cost ${pct((feat - 1) * 100)} of the throughput. CPU per request, features on vs off: ` +
        `${Object.keys(on.containerUsPerReq)
          .map((c) => `${c} ${f(on.containerUsPerReq[c], 0)} vs ${f(off.containerUsPerReq[c], 0)} µs`)
          .join(', ')}, whole pod ${f(on.cpuUsPerReq, 0)} vs ${f(off.cpuUsPerReq, 0)} µs. ` +
        `The task is capped at ${task.vcpu} vCPU and throttled throughout, so its throughput falls in proportion to the pod's CPU per request` +
        `${
          proxyDiff < podDiff / 2
            ? `; only ${f(proxyDiff, 0)} µs of the ${f(podDiff, 0)} µs difference is in nginx (${task.proxy}), where the features run: the rest varies with the machine rather than the config`
            : `, and the difference is in nginx (${task.proxy}), where the features run`
        }. ` +
        `Round-by-round ratios ${pairs.map((x) => f(x)).join(', ')} (median ${f(median(pairs))}); the runs of one variant spread by up to ${f(Math.max(on.spreadPct, off.spreadPct), 0)}% on this shared machine.`,
  };
}
