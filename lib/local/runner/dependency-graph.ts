/**
 * Whether a container's dependsOn condition holds, may still come to hold, or never will: the ECS
 * agent's container ordering rules, read from amazon-ecs-agent
 * agent/engine/dependencygraph/graph.go (verifyContainerOrderingStatusResolvable,
 * containerOrderingDependenciesIsResolved, hasDependencyTimedOut). Pure: the runner passes what it
 * knows of the dependency and the time.
 */
import type { DependencyCondition, HealthStatus } from '../spec';

/** What the runner knows of the container depended on. */
export interface DependencyState {
  readonly name: string;
  /** Started at least once (the agent's known status reached RUNNING). */
  readonly started: boolean;
  /** Its process has ended and it is not running now. */
  readonly stopped: boolean;
  readonly exitCode?: number;
  readonly hasHealthCheck: boolean;
  /** The runner's view: a container that exited counts as UNHEALTHY (see TaskRunner.handleExit). */
  readonly health: HealthStatus;
  /**
   * When it first started (ms). The agent keeps the first start only (agent/api/container/container.go
   * SetStartedAt, guarded by setStartedAtOnce), so a restart does not move it.
   */
  readonly firstStartedAt?: number;
  /** The dependency's own StartTimeout in seconds, not the dependent's. */
  readonly startTimeoutS?: number;
  /** It will never start: a terminal dependency error of its own stopped it before it started. */
  readonly willNotStart: boolean;
  /** Engine state for messages: running, exited, created ... */
  readonly state: string;
}

export type Resolution =
  | { readonly kind: 'resolved' }
  /**
   * Not yet; the agent keeps waiting (and re-checks on every container event). `stalled`: the
   * dependency is UNHEALTHY or stopped, so the wait may never end (the runner says so once).
   */
  | { readonly kind: 'waiting'; readonly why: string; readonly stalled: boolean }
  /** A terminal dependency error (graph.go DependencyError.IsTerminal): it can never be met. */
  | { readonly kind: 'never'; readonly why: string };

/** The conditions StartTimeout applies to (graph.go hasDependencyTimedOut; START and CREATE never time out). */
const TIMED_CONDITIONS: readonly DependencyCondition[] = ['SUCCESS', 'COMPLETE', 'HEALTHY'];

/**
 * graph.go hasDependencyTimedOut: `if dependOnContainer.GetStartedAt().IsZero() ||
 * dependOnContainer.GetStartTimeout() <= 0 { return false }`, then for SUCCESS, COMPLETE and HEALTHY
 * `time.Now().After(GetStartedAt().Add(GetStartTimeout()))`. So: the dependency's own StartTimeout,
 * counted from the dependency's start (not from its creation, not from when the dependent began to
 * wait); unset (0) means no timeout; a dependency not yet started cannot time out.
 */
export function hasTimedOut(dep: DependencyState, condition: DependencyCondition, nowMs: number): boolean {
  if (dep.firstStartedAt === undefined || !dep.startTimeoutS || dep.startTimeoutS <= 0) return false;
  if (!TIMED_CONDITIONS.includes(condition)) return false;
  return nowMs > dep.firstStartedAt + dep.startTimeoutS * 1000;
}

/**
 * One dependsOn entry of a container that has not started yet. The checks run in the order of
 * graph.go verifyContainerOrderingStatusResolvable; the agent applies them only while the dependent
 * is not yet created (`targetKnown < ContainerCreated`). The runner creates every container up
 * front (engine createTask, as the agent creates a task's containers) and holds back the start instead, so "not started" stands
 * for the agent's "not created". Once the dependent runs, nothing here is consulted again (task_manager.go
 * containerNextState returns before DependenciesAreResolved when known status equals desired), so
 * a dependency that turns UNHEALTHY later does not affect it.
 */
export function resolveDependency(dep: DependencyState, condition: DependencyCondition, nowMs: number): Resolution {
  // "if dependency container has already stopped, then it cannot time out."
  if (!dep.stopped && hasTimedOut(dep, condition, nowMs)) {
    return {
      kind: 'never',
      why: `${dep.name} is not ${condition} within its StartTimeout of ${dep.startTimeoutS} s (counted from its start; it is ${describe(dep)})`,
    };
  }
  // "fail fast if the dependency container has stopped but did not exit successfully"
  if (condition === 'SUCCESS' && dep.stopped && dep.exitCode !== 0) {
    return { kind: 'never', why: `${dep.name} exited with code ${dep.exitCode}, and SUCCESS needs exit code 0` };
  }
  // dependencyContainer.HasNotAndWillNotStart(), for every condition.
  if (dep.willNotStart) return { kind: 'never', why: `${dep.name} will never start` };
  // A HEALTHY condition on a container without a health check: graph.go ValidDependencies rejects the
  // whole task (containerOrderingDependenciesCanResolve needs HealthStatusShouldBeReported).
  if (condition === 'HEALTHY' && !dep.hasHealthCheck) return { kind: 'never', why: `${dep.name} has no health check, so it can never be HEALTHY` };
  if (met(dep, condition)) return { kind: 'resolved' };
  return { kind: 'waiting', ...waitingWhy(dep, condition) };
}

/** graph.go containerOrderingDependenciesIsResolved, for a dependent whose desired status is RUNNING. */
function met(dep: DependencyState, condition: DependencyCondition): boolean {
  switch (condition) {
    case 'START':
      // The dependency runs (IsKnownSteadyState), or ran and has stopped.
      return dep.started;
    case 'COMPLETE':
      return dep.stopped;
    case 'SUCCESS':
      return dep.stopped && dep.exitCode === 0;
    case 'HEALTHY':
      // The agent reads Docker's last health status, which a stopped container keeps; the runner
      // counts a stopped container as not HEALTHY (its check cannot pass), also in the moment before
      // TaskRunner.handleExit has marked it UNHEALTHY.
      return dep.health === 'HEALTHY' && !dep.stopped;
  }
}

function describe(dep: DependencyState): string {
  if (!dep.started) return 'not started';
  const state = dep.stopped && dep.exitCode !== undefined ? `${dep.state} with code ${dep.exitCode}` : dep.state;
  return dep.hasHealthCheck ? `${state}, health ${dep.health}` : state;
}

function waitingWhy(dep: DependencyState, condition: DependencyCondition): { why: string; stalled: boolean } {
  const now = `${dep.name} is ${describe(dep)}`;
  if (condition !== 'HEALTHY' || !dep.started) return { why: now, stalled: false };
  // Neither is terminal in the agent: Docker can report healthy after unhealthy, and a stopped
  // container may be restarted; a stopped one cannot time out, a running one only by StartTimeout.
  const limit = dep.stopped
    ? 'a stopped dependency cannot time out'
    : dep.startTimeoutS
      ? `until its StartTimeout of ${dep.startTimeoutS} s after its start`
      : 'it has no StartTimeout';
  if (dep.stopped) return { why: `${now}; the ECS agent keeps waiting for it to be HEALTHY (${limit}; a restart could still make it HEALTHY)`, stalled: true };
  if (dep.health === 'UNHEALTHY') return { why: `${now}; the ECS agent keeps waiting for it to be HEALTHY (${limit})`, stalled: true };
  return { why: now, stalled: false };
}
