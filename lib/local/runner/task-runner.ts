/**
 * Runs a created task the way the ECS container agent runs a task: containers start in dependency
 * order once each dependsOn condition holds; health checks run on the definition's schedule; an exited
 * container is restarted per its restart policy; when an essential container exits and is not
 * restarted, every other container is stopped (in reverse dependency order, each with its stop
 * timeout) and the task is STOPPED.
 *
 * The supervision of the started task (health probes, exits, stop) is task-supervisor.ts's.
 *
 * - dependsOn and essential have no engine equivalent; when a dependency holds, may still hold or never
 *   will is the agent's rule set, in dependency-graph.ts.
 */
import { LocalStepError } from '../errors';
import { pollUntil } from '../poll';
import type { PlannedContainer } from '../state';
import { resolveDependency, type DependencyState } from './dependency-graph';
import { EXITED, NOT_STARTED_EXIT_CODE, TaskSupervisor } from './task-supervisor';

/**
 * The runner's own bound on its readiness wait (every container running and its health decided),
 * in seconds; longer when a health check needs longer to decide. Not an ECS setting: a dependency
 * wait has no bound unless the dependency sets StartTimeout (dependency-graph.ts).
 */
const READY_WAIT_MIN_S = 180;

/** A dependsOn condition as the state it waits for: "app is started (START)", "app is HEALTHY". */
const stateOf = (condition: string): string => (condition === 'START' ? 'started (START)' : condition);

export class TaskRunner extends TaskSupervisor {
  /**
   * Start every container in order once its dependencies hold, and wait until every started one runs
   * and its health check has decided. The agent moves all containers forward at once; the runner
   * goes through the plan's start order (dependencies first), which delays a container listed after
   * one that waits. That can matter: a dependency past its StartTimeout fails its dependents even when
   * it is HEALTHY by then (graph.go checks the timeout first), and the agent would have started such a
   * dependent already. With this task's two containers it cannot happen.
   */
  async start(): Promise<void> {
    this.schedule();
    try {
      for (const spec of this.plan.containers) {
        const never = await this.waitForDependencies(spec);
        if (never !== undefined) {
          this.notStarted(spec, never);
          continue;
        }
        this.say('step', `start ${spec.name}`, spec.name);
        this.blame = spec.name;
        await this.engine.startContainer(spec.containerName);
        this.live.get(spec.name)!.started = true;
        await this.tick();
        this.say('done', `${spec.name} started`, spec.name);
      }
      for (const spec of this.plan.containers) if (!this.live.get(spec.name)!.willNotStart) await this.waitReady(spec);
      if (this.status !== 'PENDING') throw new LocalStepError('start', this.stoppedReason ?? 'the task stopped');
      this.status = 'RUNNING';
      this.publish();
      const shown = (c: PlannedContainer) => (this.live.get(c.name)!.willNotStart ? `${c.name} STOPPED (not started)` : `${c.name} ${this.healthOf(c.name)}`);
      this.say('ready', `task RUNNING: ${this.plan.containers.map(shown).join(', ')}`);
    } catch (e) {
      const err = e instanceof LocalStepError ? e : new LocalStepError('start', (e as Error).message);
      // Stopped while starting (a signal): let the stop's own steps finish first, so the failure
      // closes no stop step, and show no container's logs (nothing failed inside the task).
      const interrupted = this.status === 'STOPPING' || this.status === 'STOPPED';
      if (interrupted) await this.stopped;
      const failing = interrupted
        ? undefined
        : (this.plan.containers.find((c) => c.name === this.blame) ?? this.plan.containers.find((c) => this.isFailed(c.name)));
      const details = failing ? await this.diagnostics(failing) : [];
      this.say('failed', `${err.step}: ${err.message}`, failing?.name, details, interrupted);
      await this.stop(`start failed: ${err.message}`);
      throw new LocalStepError(err.step, err.message, details);
    }
  }

  /** What dependency-graph.ts needs to know of a container depended on. */
  protected dependencyState(name: string): DependencyState {
    const l = this.live.get(name)!;
    const i = l.inspected;
    const stopped = l.started && i !== undefined && EXITED.has(i.status);
    return {
      name,
      started: l.started,
      stopped,
      exitCode: stopped ? i.exitCode : undefined,
      hasHealthCheck: l.spec.health !== undefined,
      health: this.healthOf(name),
      firstStartedAt: l.firstStartedAt,
      startTimeoutS: l.spec.startTimeoutS,
      willNotStart: l.willNotStart !== undefined,
      state: !l.started ? 'not started' : (i?.status ?? 'unknown'),
    };
  }

  /**
   * Wait until every dependsOn condition of `spec` holds (undefined), or one never can (its reason).
   * Every condition is checked on each pass, as the agent does (graph.go
   * verifyContainerOrderingStatusResolvable loops over all of them). No bound of the runner's own:
   * only a dependency's StartTimeout ends a wait that can still succeed.
   */
  protected async waitForDependencies(spec: PlannedContainer): Promise<string | undefined> {
    if (!spec.dependsOn.length) return undefined;
    const step = `${spec.name}: wait for ${spec.dependsOn.map((d) => `${d.container} to be ${stateOf(d.condition)}`).join(', ')}`;
    this.blame = spec.dependsOn[0].container;
    this.say('step', step, this.blame);
    let lastText = '';
    const warned = new Set<string>();
    const never = await pollUntil(
      async () => {
        if (this.status === 'STOPPING' || this.status === 'STOPPED') throw new LocalStepError(step, this.stoppedReason ?? 'the task is stopping');
        const now = this.now();
        let waiting: { container: string; why: string; stalled: boolean } | undefined;
        for (const d of spec.dependsOn) {
          const r = resolveDependency(this.dependencyState(d.container), d.condition, now);
          if (r.kind === 'never') {
            this.blame = d.container;
            this.say('done', `${d.container} can never be ${d.condition} for ${spec.name}: ${r.why}`, d.container);
            return { why: r.why };
          }
          if (r.kind === 'waiting') waiting ??= { container: d.container, why: r.why, stalled: r.stalled };
        }
        if (!waiting) return { why: undefined };
        this.blame = waiting.container;
        if (waiting.why !== lastText) {
          this.say('progress', waiting.why, waiting.container);
          lastText = waiting.why;
        }
        // A wait the agent would keep up indefinitely is said once, with the dependency's logs.
        if (waiting.stalled && !warned.has(waiting.why)) {
          warned.add(waiting.why);
          const dep = this.live.get(waiting.container)!.spec;
          this.say('warn', `${spec.name} is not started yet: ${waiting.why}`, waiting.container, await this.diagnostics(dep));
        }
        return undefined;
      },
      { everyMs: Math.min(200, this.opts.tickMs ?? 200) },
    );
    if (never?.why !== undefined) return never.why;
    this.say('done', `${spec.dependsOn.map((d) => `${d.container} is ${stateOf(d.condition)}`).join(', ')}`, this.blame);
    return undefined;
  }

  /**
   * A terminal dependency error: agent/engine/task_manager.go handleTerminalDependencyError marks the
   * dependent container STOPPED without starting it ("Terminal error detected during transition;
   * marking container as stopped", exit code 143, CannotStartContainerError). The task stops only when
   * that container is essential (agent/api/task/task.go updateTaskDesiredStatusUnsafe: "A task's
   * desired status is stopped if any essential container is stopped"); otherwise the other containers
   * go on, and those depending on it meet "will never start" in turn.
   */
  protected notStarted(spec: PlannedContainer, why: string): void {
    const l = this.live.get(spec.name)!;
    l.willNotStart = why;
    this.publish();
    const what = `${spec.name} is not started (STOPPED, exit ${NOT_STARTED_EXIT_CODE}, as the ECS agent reports it) because a dependency can never be met: ${why}`;
    if (spec.essential) {
      throw new LocalStepError(
        `${spec.name}: dependsOn`,
        `Essential container in task exited: ${spec.name} (exit ${NOT_STARTED_EXIT_CODE}; not started because a dependency can never be met: ${why})`,
      );
    }
    this.say('warn', `${what}; it is not essential, so the task goes on without it`, spec.name);
  }

  /**
   * The runner's readiness wait, after which `local up` prints the address: the container runs and its
   * health check has decided. Not an ECS rule, so it stops nothing for health: ECS reports a task
   * RUNNING once its containers run, whatever their health (only a service replaces an unhealthy
   * task), and an UNHEALTHY container stops no other (task_manager.go containerNextState no longer
   * checks the dependencies of a container that has reached its desired status). An exit is ECS's to
   * handle (handleExit: restart policy, essential); a non-essential container that stays stopped is not
   * waited for.
   */
  protected async waitReady(spec: PlannedContainer): Promise<void> {
    const name = spec.name;
    const l = this.live.get(name)!;
    const h = spec.health;
    const step = `wait for ${name} to be ${h ? 'HEALTHY' : 'running'}`;
    const limitS = Math.max(READY_WAIT_MIN_S, h ? h.startPeriodS + (h.retries + 1) * (h.intervalS + h.timeoutS) : 0);
    const begin = this.now();
    this.blame = name;
    this.say('step', step, name);
    let lastText = '';
    const outcome = await pollUntil(
      () => {
        if (this.status === 'STOPPING' || this.status === 'STOPPED') throw new LocalStepError(step, this.stoppedReason ?? 'the task is stopping');
        const i = l.inspected;
        const health = this.healthOf(name);
        const running = i?.status === 'running';
        if (running && (health === 'HEALTHY' || health === 'NONE')) return 'ready';
        if (running && health === 'UNHEALTHY') {
          const last = i.healthOutput?.split('\n').pop();
          this.say('warn', `${name} is UNHEALTHY${last ? ` (last check: ${last})` : ''}; ECS keeps such a task RUNNING (a service would replace it)`, name);
          return 'unhealthy';
        }
        if (!running && l.stayedStopped) return 'stayed stopped';
        const state = i?.status ?? 'unknown';
        const elapsedS = (this.now() - begin) / 1000;
        if (elapsedS > limitS) throw new LocalStepError(step, `${name} is still ${state}${h ? `, health ${health}` : ''} after ${limitS} s`);
        const text = `${name} ${state}${h ? `, health ${health}` : ''}`;
        if (text !== lastText) {
          this.say('progress', text, name);
          lastText = text;
        }
        return undefined;
      },
      { everyMs: Math.min(200, this.opts.tickMs ?? 200) },
    );
    if (outcome !== 'ready') return;
    this.say('done', `${name} is ${h ? 'HEALTHY' : 'running'}`, name);
  }
}
