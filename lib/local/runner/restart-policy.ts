/**
 * What ECS decides when a container exits, and how it names a container's health. Pure.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html
 */
import type { HealthStatus, RestartSpec } from '../spec';

/** Map the engines' health words (Docker's and podman's are the same) to ECS's. */
export function ecsHealth(engineHealth: string, hasCheck: boolean): HealthStatus {
  if (!hasCheck) return 'NONE';
  if (engineHealth === 'healthy') return 'HEALTHY';
  if (engineHealth === 'unhealthy') return 'UNHEALTHY';
  return 'UNKNOWN';
}

/**
 * ECS's restart decision for an exited container: restart only when the policy is on, the exit code
 * is not ignored and the container ran for at least RestartAttemptPeriod.
 */
export function restartDecision(spec: { readonly restart?: RestartSpec }, exitCode: number, ranS: number): { restart: boolean; why: string } {
  if (!spec.restart) return { restart: false, why: 'it has no restart policy' };
  if (spec.restart.ignoredExitCodes.includes(exitCode)) return { restart: false, why: `exit code ${exitCode} is in IgnoredExitCodes` };
  if (ranS < spec.restart.attemptPeriodS) {
    return { restart: false, why: `it ran ${Math.round(ranS)} s, less than its RestartAttemptPeriod of ${spec.restart.attemptPeriodS} s` };
  }
  return { restart: true, why: `it ran ${Math.round(ranS)} s (RestartAttemptPeriod ${spec.restart.attemptPeriodS} s)` };
}
