/**
 * When the runner triggers a container's next health probe, where it triggers them (podman): as
 * Docker on an ECS-optimized AL2023 host schedules them. Pure.
 *
 * Docker 25.0.x (aws/amazon-ecs-ami release-al2023.auto.pkrvars.hcl pins docker_version_al2023)
 * defaults the start interval to the Interval (moby daemon/health.go,
 * `timeoutWithDefault(StartInterval, probeInterval)`; moby#46764), and ECS task definitions cannot
 * set one. Docker 27.0.1 and 26.1.5 changed that default to 5 s (moby#47799, #48255), so a local
 * Docker engine of those versions probes sooner during the start period than an ECS host does.
 * `startPeriodProbeMs` overrides it (the bench's quick mode).
 */
import type { HealthSpec } from '../spec';

const startIntervalMs = (intervalS: number, override?: number) => override ?? intervalS * 1000;

/** The first probe of a run that began at `startedAt`: one start interval after it when there is a start period, else one Interval. */
export function firstProbeAt(startedAt: number, health: HealthSpec | undefined, startPeriodProbeMs?: number): number {
  return startedAt + (health && health.startPeriodS > 0 ? startIntervalMs(health.intervalS, startPeriodProbeMs) : (health?.intervalS ?? 0) * 1000);
}

/**
 * The probe after one that ended at `now` with result `health` (moby daemon/health.go monitor()
 * getInterval): the start interval while within the start period and still `starting`; the Interval
 * otherwise (after a pass, or once UNHEALTHY).
 */
export function nextProbeAt(now: number, startedAt: number, h: HealthSpec, health: string | undefined, startPeriodProbeMs?: number): number {
  const inStartPeriod = now < startedAt + h.startPeriodS * 1000;
  return now + (inStartPeriod && (health ?? 'starting') === 'starting' ? startIntervalMs(h.intervalS, startPeriodProbeMs) : h.intervalS * 1000);
}
