/**
 * How long a task of the template takes to turn HEALTHY on an ECS host, from its health checks and
 * dependsOn conditions alone, under the probe schedule of Docker 25.0.x on the ECS-optimized AL2023
 * AMI (lib/local/runner/probe-schedule.ts: the first probe one Interval after the container starts,
 * start period or not, since ECS cannot set a start interval). Pure.
 *
 * The model: a container starts once every dependency holds (the agent's dependency graph,
 * lib/local/runner/dependency-graph.ts): START at once when the dependency started, HEALTHY when its
 * first probe passed. Each probe passes at once (process start-up and probe run time are left out, so
 * this is the schedule's floor); a container without a health check counts at its start. The task is
 * HEALTHY when every essential container with a health check is (the agent's task health).
 */
import { firstProbeAt } from '../lib/local/runner/probe-schedule';
import type { PlannedContainer } from '../lib/local/state';

export type HealthModelContainer = Pick<PlannedContainer, 'name' | 'essential' | 'dependsOn' | 'health'>;

export interface EcsHealthEstimate {
  readonly containers: { readonly name: string; readonly intervalS: number; readonly startPeriodS: number; readonly retries: number }[];
  /** Seconds from the task's start to HEALTHY. */
  readonly secondsToHealthy: number;
  /** Every dependsOn edge, as `<container> waits for <dependency> <CONDITION>`. */
  readonly dependsOn: string[];
}

export function ecsSecondsToHealthy(containers: readonly HealthModelContainer[]): EcsHealthEstimate {
  const byName = new Map(containers.map((c) => [c.name, c]));
  const startS = new Map<string, number>();
  const healthyS = new Map<string, number>();
  const visiting = new Set<string>();
  const start = (name: string): number => {
    const known = startS.get(name);
    if (known !== undefined) return known;
    const c = byName.get(name);
    if (!c) throw new Error(`dependsOn names ${name}, which is not a container of the task`);
    if (visiting.has(name)) throw new Error(`dependsOn has a cycle through ${name}`);
    visiting.add(name);
    const waits = c.dependsOn.map((d) => {
      if (d.condition === 'START') return start(d.container);
      if (d.condition === 'HEALTHY') return healthy(d.container);
      throw new Error(`${c.name} waits for ${d.container} ${d.condition}: the model covers START and HEALTHY only`);
    });
    visiting.delete(name);
    const at = Math.max(0, ...waits);
    startS.set(name, at);
    return at;
  };
  const healthy = (name: string): number => {
    const known = healthyS.get(name);
    if (known !== undefined) return known;
    const c = byName.get(name)!;
    const began = start(name);
    // probe-schedule.ts works in milliseconds from a start time; no override: the ECS host's schedule.
    const at = c.health ? firstProbeAt(began * 1000, c.health) / 1000 : began;
    healthyS.set(name, at);
    return at;
  };
  const checked = containers.filter((c) => c.essential && c.health);
  return {
    containers: containers
      .filter((c) => c.health)
      .map((c) => ({ name: c.name, intervalS: c.health!.intervalS, startPeriodS: c.health!.startPeriodS, retries: c.health!.retries })),
    secondsToHealthy: Math.max(0, ...checked.map((c) => healthy(c.name))),
    dependsOn: containers.flatMap((c) => c.dependsOn.map((d) => `${c.name} waits for ${d.container} ${d.condition}`)),
  };
}
