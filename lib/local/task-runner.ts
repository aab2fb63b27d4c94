/**
 * Runs a created pod the way the ECS container agent runs a task: containers start in dependency
 * order once each dependsOn condition holds; health checks run on the definition's schedule; an exited
 * container is restarted per its restart policy; when an essential container exits and is not
 * restarted, every other container is stopped (in reverse dependency order, each with its stop
 * timeout) and the task is STOPPED.
 *
 * Why the runner does this rather than the engine:
 * - health checks: Docker's daemon schedules them itself (as on an ECS host), and the runner only
 *   reads the result; podman schedules them with systemd timers, which do not exist on hosts without
 *   systemd (these CI machines), so there the runner calls `podman healthcheck run`, which applies the
 *   definition's retries and start period.
 * - restart policy: an engine's `--restart on-failure` restarts at once and forever; ECS restarts only a
 *   container that ran for RestartAttemptPeriod, and otherwise stops the task if it is essential
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html).
 * - dependsOn and essential have no engine equivalent; when a dependency holds, may still hold or never
 *   will is the agent's rule set, in dependency-graph.ts.
 */
import { resolveDependency, type DependencyState } from './dependency-graph';
import type { ContainerEngine } from './engines/container-engine';
import { LocalStepError } from './errors';
import type { ContainerState, HealthStatus, LocalPlan, PlannedContainer, RunnerEvent, RunnerState, TaskStatus } from './state';

/**
 * The runner's own bound on its readiness wait (every container running and its health decided),
 * in seconds; longer when a health check needs longer to decide. Not an ECS setting: a dependency
 * wait has no bound unless the dependency sets StartTimeout (dependency-graph.ts).
 */
export const READY_WAIT_MIN_S = 180;
/**
 * Where the runner triggers the probes (podman), they come as Docker on an ECS-optimized AL2023 host
 * sends them: Docker 25.0.x (aws/amazon-ecs-ami release-al2023.auto.pkrvars.hcl pins
 * docker_version_al2023) defaults the start interval to the Interval (moby daemon/health.go,
 * `timeoutWithDefault(StartInterval, probeInterval)`; moby#46764), and ECS task definitions cannot
 * set one. Docker 27.0.1 and 26.1.5 changed that default to 5 s (moby#47799, #48255), so a local
 * Docker engine of those versions probes sooner during the start period than an ECS host does.
 * `startPeriodProbeMs` overrides it (the bench's quick mode).
 */
const startIntervalMs = (intervalS: number, override?: number) => override ?? intervalS * 1000;
/** The exit code the agent records for a container a terminal dependency error stopped before it started (task_manager.go handleTerminalDependencyError). */
export const NOT_STARTED_EXIT_CODE = 143;

/** Engine states of a container whose process has ended. */
const EXITED = new Set(['exited', 'stopped', 'dead', 'removed']);

interface Inspected {
  status: string;
  exitCode: number;
  oomKilled?: boolean;
  startedAt?: number;
  finishedAt?: number;
  health: string;
  healthOutput?: string;
}

/** How ECS reports a container the kernel killed for its memory limit (the task's stoppedReason). */
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

interface Live {
  readonly spec: PlannedContainer;
  started: boolean;
  /** Start time of its first run; the agent keeps only the first (container.go SetStartedAt). */
  firstStartedAt?: number;
  /** A terminal dependency error stopped it before it started (see notStarted). */
  willNotStart?: string;
  inspected?: Inspected;
  /** Start time of the run whose exit was handled (so each exit is handled once). */
  handledRun?: number;
  /** Start time of the run the probes are scheduled for. */
  probedRun?: number;
  nextProbeAt: number;
  probing: boolean;
  restarts: number;
  /** Runner's view after an exit: the check cannot pass on a stopped container. */
  exitedUnhealthy: boolean;
  /** Non-essential, exited and not restarted: it stays stopped and the task goes on. */
  stayedStopped?: boolean;
}

export interface TaskRunnerOptions {
  readonly mode: RunnerState['mode'];
  /** Supervision pass interval (default: 250 ms while starting, then 1 s). */
  readonly tickMs?: number;
  /** Probe interval during a start period while still starting (default: the check's Interval, as on ECS hosts). */
  readonly startPeriodProbeMs?: number;
  readonly now?: () => number;
}

/** Map the engines' health words (Docker's and podman's are the same) to ECS's. */
export function ecsHealth(engineHealth: string, hasCheck: boolean): HealthStatus {
  if (!hasCheck) return 'NONE';
  if (engineHealth === 'healthy') return 'HEALTHY';
  if (engineHealth === 'unhealthy') return 'UNHEALTHY';
  return 'UNKNOWN';
}

/**
 * ECS's restart decision for an exited container: restart only when the policy is on, the exit code
 * is not ignored and the container ran for at least RestartAttemptPeriod. Pure.
 */
export function restartDecision(spec: Pick<PlannedContainer, 'restart'>, exitCode: number, ranS: number): { restart: boolean; why: string } {
  if (!spec.restart) return { restart: false, why: 'it has no restart policy' };
  if (spec.restart.ignoredExitCodes.includes(exitCode)) return { restart: false, why: `exit code ${exitCode} is in IgnoredExitCodes` };
  if (ranS < spec.restart.attemptPeriodS) {
    return { restart: false, why: `it ran ${Math.round(ranS)} s, less than its RestartAttemptPeriod of ${spec.restart.attemptPeriodS} s` };
  }
  return { restart: true, why: `it ran ${Math.round(ranS)} s (RestartAttemptPeriod ${spec.restart.attemptPeriodS} s)` };
}

export class TaskRunner {
  private readonly live = new Map<string, Live>();
  private status: TaskStatus = 'PENDING';
  private stoppedReason?: string;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private stopPromise?: Promise<void>;
  private resolveStopped!: (reason: string) => void;
  /** Resolves with the stopped reason once the task is STOPPED. */
  readonly stopped: Promise<string>;
  private readonly now: () => number;
  /** The container a failed start is blamed on (its logs are shown). */
  private blame?: string;

  constructor(
    private readonly plan: LocalPlan,
    private readonly engine: ContainerEngine,
    private readonly emit: (e: RunnerEvent) => void,
    private readonly onState: (s: RunnerState) => void,
    private readonly opts: TaskRunnerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    for (const spec of plan.containers)
      this.live.set(spec.name, { spec, started: false, nextProbeAt: Infinity, probing: false, restarts: 0, exitedUnhealthy: false });
    for (const spec of plan.containers)
      for (const d of spec.dependsOn)
        if (!this.live.has(d.container)) throw new LocalStepError('start', `${spec.name} depends on an unknown container ${d.container}`);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

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
      this.say('failed', `${err.step}: ${err.message}`, failing?.name, details);
      await this.stop(`start failed: ${err.message}`);
      throw new LocalStepError(err.step, err.message, details);
    }
  }

  /** Stop the task: containers in reverse start order, each with its stop timeout. Idempotent. */
  stop(reason: string): Promise<void> {
    this.stopPromise ??= this.doStop(reason);
    return this.stopPromise;
  }

  snapshot(): RunnerState {
    const containers: Record<string, ContainerState> = {};
    for (const [name, l] of this.live) {
      const i = l.inspected;
      containers[name] = {
        status: l.willNotStart ? 'STOPPED' : !i || !l.started ? 'CREATED' : EXITED.has(i.status) ? 'STOPPED' : 'RUNNING',
        health: this.healthOf(name),
        restarts: l.restarts,
        exitCode: l.willNotStart ? NOT_STARTED_EXIT_CODE : i && EXITED.has(i.status) ? i.exitCode : undefined,
        startedAt: i?.startedAt ? new Date(i.startedAt).toISOString() : undefined,
      };
    }
    return {
      pid: process.pid,
      mode: this.opts.mode,
      taskStatus: this.status,
      stoppedReason: this.stoppedReason,
      updatedAt: new Date(this.now()).toISOString(),
      containers,
    };
  }

  // --------------------------------------------------------------------------------------------

  private say(kind: RunnerEvent['kind'], text: string, container?: string, details?: string[]): void {
    this.emit({ time: new Date(this.now()).toISOString(), kind, text, container, details });
  }

  private publish(): void {
    this.onState(this.snapshot());
  }

  private healthOf(name: string): HealthStatus {
    const l = this.live.get(name)!;
    if (!l.spec.health) return 'NONE';
    if (l.exitedUnhealthy) return 'UNHEALTHY';
    return ecsHealth(l.inspected?.health ?? '', true);
  }

  private isFailed(name: string): boolean {
    const l = this.live.get(name)!;
    return l.started && (EXITED.has(l.inspected?.status ?? '') || this.healthOf(name) === 'UNHEALTHY');
  }

  private schedule(): void {
    // Fast while starting (health waits), then once a second: exits are noticed within a second,
    // and each pass costs one `podman inspect`.
    const tickMs = () => this.opts.tickMs ?? (this.status === 'PENDING' ? 250 : 1000);
    const loop = async () => {
      await this.tick();
      if (this.status !== 'STOPPED') this.timer = setTimeout(loop, tickMs());
    };
    this.timer = setTimeout(loop, tickMs());
  }

  /** One supervision pass: read every container, run due health checks, handle exits. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.inspectAll();
      const now = this.now();
      for (const l of this.live.values()) {
        const i = l.inspected;
        if (!i || !l.started) continue;
        if (i.status === 'running') {
          if (i.startedAt !== l.probedRun) {
            // A new run (first start or restart): the first probe one start interval after it began, else one Interval.
            l.probedRun = i.startedAt;
            l.exitedUnhealthy = false;
            l.stayedStopped = false;
            l.nextProbeAt =
              (i.startedAt ?? now) +
              (l.spec.health && l.spec.health.startPeriodS > 0
                ? startIntervalMs(l.spec.health.intervalS, this.opts.startPeriodProbeMs)
                : (l.spec.health?.intervalS ?? 0) * 1000);
          }
          if (l.spec.health && !this.engine.runsHealthChecks && !l.probing && now >= l.nextProbeAt) void this.probe(l);
        } else if (EXITED.has(i.status) && i.startedAt !== undefined && l.handledRun !== i.startedAt) {
          l.handledRun = i.startedAt;
          await this.handleExit(l, i);
        }
      }
      this.publish();
    } finally {
      this.ticking = false;
    }
  }

  private async inspectAll(): Promise<void> {
    const states = await this.engine.inspectContainers([...this.live.values()].map((l) => l.spec.containerName));
    for (const l of this.live.values()) {
      const st = states.get(l.spec.containerName);
      l.inspected = st
        ? {
            status: st.status,
            exitCode: st.exitCode,
            oomKilled: st.oomKilled,
            startedAt: st.startedAt,
            finishedAt: st.finishedAt,
            health: st.health,
            healthOutput: st.healthOutput,
          }
        : { status: 'removed', exitCode: -1, health: '', startedAt: l.inspected?.startedAt, finishedAt: this.now() };
      if (l.started && l.firstStartedAt === undefined) l.firstStartedAt = l.inspected.startedAt;
    }
  }

  private async probe(l: Live): Promise<void> {
    const h = l.spec.health!;
    l.probing = true;
    let health = l.inspected?.health;
    try {
      // podman applies the definition's timeout, retries and start period and records the result.
      await this.engine.runHealthCheck(l.spec.containerName, (h.timeoutS + 10) * 1000);
      health = (await this.engine.inspectContainers([l.spec.containerName])).get(l.spec.containerName)?.health ?? health;
    } finally {
      l.probing = false;
      // moby daemon/health.go monitor() getInterval, after this probe's result: the start interval
      // while within the start period and still `starting`; the Interval otherwise (after a pass, or
      // once UNHEALTHY).
      const started = l.inspected?.startedAt ?? this.now();
      const inStartPeriod = this.now() < started + h.startPeriodS * 1000;
      l.nextProbeAt =
        this.now() + (inStartPeriod && (health ?? 'starting') === 'starting' ? startIntervalMs(h.intervalS, this.opts.startPeriodProbeMs) : h.intervalS * 1000);
    }
  }

  private async handleExit(l: Live, i: Inspected): Promise<void> {
    const name = l.spec.name;
    const ranS = ((i.finishedAt ?? this.now()) - (i.startedAt ?? this.now())) / 1000;
    // A stopped container cannot pass its check; the engine keeps showing the last result.
    if (l.spec.health) l.exitedUnhealthy = true;
    if (this.status === 'STOPPING' || this.status === 'STOPPED') return;
    this.say('warn', `${name} exited with code ${i.exitCode} after ${Math.round(ranS)} s${i.oomKilled ? ` (${OOM_REASON})` : ''}`, name);
    if (l.spec.health) this.say('warn', `${name} health: UNHEALTHY (the container exited)`, name);
    const decision = restartDecision(l.spec, i.exitCode, ranS);
    if (decision.restart) {
      try {
        await this.engine.startContainer(l.spec.containerName);
        l.restarts += 1;
        this.say('started', `${name} restarted by its restart policy (${decision.why}); restart ${l.restarts}`, name);
        return;
      } catch (e) {
        decision.why = `restart failed: ${(e as Error).message}`;
      }
    }
    if (l.spec.essential) {
      const details = await this.diagnostics(l.spec);
      const reason = `Essential container in task exited: ${name} (${i.oomKilled ? `${OOM_REASON}; ` : ''}exit ${i.exitCode}; not restarted because ${decision.why})`;
      this.say('stopped', reason, name, details);
      void this.stop(reason);
    } else {
      l.stayedStopped = true;
      this.say('warn', `${name} is not essential and stays stopped (${decision.why})`, name);
    }
  }

  /** What dependency-graph.ts needs to know of a container depended on. */
  private dependencyState(name: string): DependencyState {
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
  private async waitForDependencies(spec: PlannedContainer): Promise<string | undefined> {
    if (!spec.dependsOn.length) return undefined;
    const step = `${spec.name}: wait for ${spec.dependsOn.map((d) => `${d.container} to be ${d.condition}`).join(', ')}`;
    this.blame = spec.dependsOn[0].container;
    this.say('step', step, this.blame);
    let lastText = '';
    const warned = new Set<string>();
    for (;;) {
      if (this.status === 'STOPPING' || this.status === 'STOPPED') throw new LocalStepError(step, this.stoppedReason ?? 'the task is stopping');
      const now = this.now();
      let waiting: { container: string; why: string; stalled: boolean } | undefined;
      for (const d of spec.dependsOn) {
        const r = resolveDependency(this.dependencyState(d.container), d.condition, now);
        if (r.kind === 'never') {
          this.blame = d.container;
          this.say('done', `${d.container} can never be ${d.condition} for ${spec.name}: ${r.why}`, d.container);
          return r.why;
        }
        if (r.kind === 'waiting') waiting ??= { container: d.container, why: r.why, stalled: r.stalled };
      }
      if (!waiting) break;
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
      await new Promise((r) => setTimeout(r, Math.min(200, this.opts.tickMs ?? 200)));
    }
    this.say('done', `${spec.dependsOn.map((d) => `${d.container} is ${d.condition}`).join(', ')}`, this.blame);
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
  private notStarted(spec: PlannedContainer, why: string): void {
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
  private async waitReady(spec: PlannedContainer): Promise<void> {
    const name = spec.name;
    const l = this.live.get(name)!;
    const h = spec.health;
    const step = `wait for ${name} to be ${h ? 'HEALTHY' : 'running'}`;
    const limitS = Math.max(READY_WAIT_MIN_S, h ? h.startPeriodS + (h.retries + 1) * (h.intervalS + h.timeoutS) : 0);
    const begin = this.now();
    this.blame = name;
    this.say('step', step, name);
    let lastText = '';
    for (;;) {
      if (this.status === 'STOPPING' || this.status === 'STOPPED') throw new LocalStepError(step, this.stoppedReason ?? 'the task is stopping');
      const i = l.inspected;
      const health = this.healthOf(name);
      const running = i?.status === 'running';
      if (running && (health === 'HEALTHY' || health === 'NONE')) break;
      if (running && health === 'UNHEALTHY') {
        const last = i.healthOutput?.split('\n').pop();
        this.say('warn', `${name} is UNHEALTHY${last ? ` (last check: ${last})` : ''}; ECS keeps such a task RUNNING (a service would replace it)`, name);
        return;
      }
      if (!running && l.stayedStopped) return;
      const state = i?.status ?? 'unknown';
      const elapsedS = (this.now() - begin) / 1000;
      if (elapsedS > limitS) throw new LocalStepError(step, `${name} is still ${state}${h ? `, health ${health}` : ''} after ${limitS} s`);
      const text = `${name} ${state}${h ? `, health ${health}` : ''}`;
      if (text !== lastText) {
        this.say('progress', text, name);
        lastText = text;
      }
      await new Promise((r) => setTimeout(r, Math.min(200, this.opts.tickMs ?? 200)));
    }
    this.say('done', `${name} is ${h ? 'HEALTHY' : 'running'}`, name);
  }

  /** The container's last log lines and last health check output, for failure reports. */
  private async diagnostics(spec: PlannedContainer): Promise<string[]> {
    const out: string[] = [];
    const lines: string[] = [];
    await this.engine.logs(spec.containerName, { follow: false, tail: 20 }, (l) => l.trim() && lines.push(l)).done;
    out.push(`last log lines of ${spec.name}:`, ...(lines.length ? lines.slice(-20).map((l) => `  ${l}`) : ['  (none)']));
    const hc = this.live.get(spec.name)?.inspected?.healthOutput;
    if (hc) out.push(`last health check output of ${spec.name}: ${hc}`);
    return out;
  }

  private async doStop(reason: string): Promise<void> {
    if (this.status === 'STOPPED') return;
    this.status = 'STOPPING';
    this.stoppedReason = reason;
    this.publish();
    // Dependents first (reverse start order), as the agent stops a task's containers.
    for (const spec of [...this.plan.containers].reverse()) {
      const l = this.live.get(spec.name)!;
      if (!l.started) continue;
      await this.inspectAll();
      if (l.inspected?.status !== 'running') continue;
      this.say('step', `stop ${spec.name} (stop signal, SIGKILL after ${spec.stopTimeoutS} s)`, spec.name);
      await this.engine.stopContainer(spec.containerName, spec.stopTimeoutS).catch((e) => this.say('warn', `${spec.name}: ${(e as Error).message}`, spec.name));
      this.say('done', `${spec.name} stopped`, spec.name);
    }
    await this.inspectAll();
    if (this.timer) clearTimeout(this.timer);
    this.status = 'STOPPED';
    this.publish();
    this.resolveStopped(reason);
  }
}
