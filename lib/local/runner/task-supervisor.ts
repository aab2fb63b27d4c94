/**
 * Supervision of a started task, the way the ECS container agent watches a task: every pass reads each
 * container from the engine, triggers the health probes the engine does not schedule itself, and
 * handles each exit (restart policy, essential); stopping stops the containers in reverse start
 * order, each with its stop timeout. The start sequence is task-runner.ts's.
 *
 * Why the runner does this rather than the engine:
 * - health checks: Docker's daemon schedules them itself (as on an ECS host), and the runner only
 *   reads the result; podman schedules them with systemd timers, which do not exist on hosts without
 *   systemd (these CI machines), so there the runner triggers each probe (probe-schedule.ts), and the
 *   engine applies the definition's retries and start period.
 * - restart policy: an engine's `--restart on-failure` restarts at once and forever; ECS restarts only a
 *   container that ran for RestartAttemptPeriod, and otherwise stops the task if it is essential
 *   (restart-policy.ts).
 */
import type { ContainerEngine, ContainerStatus } from '../engines/container-engine';
import { LocalStepError } from '../errors';
import type { HealthStatus } from '../spec';
import type { ContainerState, LocalPlan, PlannedContainer, RunnerEvent, RunnerState, TaskStatus } from '../state';
import { firstProbeAt, nextProbeAt } from './probe-schedule';
import { ecsHealth, restartDecision } from './restart-policy';

/** The exit code the agent records for a container a terminal dependency error stopped before it started (task_manager.go handleTerminalDependencyError). */
export const NOT_STARTED_EXIT_CODE = 143;

/** Engine states of a container whose process has ended. */
export const EXITED = new Set(['exited', 'stopped', 'dead', 'removed']);

/** How ECS reports a container the kernel killed for its memory limit (the task's stoppedReason). */
const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

export interface Live {
  readonly spec: PlannedContainer;
  started: boolean;
  /** Start time of its first run; the agent keeps only the first (container.go SetStartedAt). */
  firstStartedAt?: number;
  /** A terminal dependency error stopped it before it started (see notStarted). */
  willNotStart?: string;
  /** The engine's last word on it; a container removed behind the runner's back reads as `removed`. */
  inspected?: ContainerStatus;
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

export class TaskSupervisor {
  protected readonly live = new Map<string, Live>();
  protected status: TaskStatus = 'PENDING';
  protected stoppedReason?: string;
  protected timer?: NodeJS.Timeout;
  protected ticking = false;
  protected stopPromise?: Promise<void>;
  protected resolveStopped!: (reason: string) => void;
  /** Resolves with the stopped reason once the task is STOPPED. */
  readonly stopped: Promise<string>;
  protected readonly now: () => number;
  /** The container a failed start is blamed on (its logs are shown). */
  protected blame?: string;

  constructor(
    protected readonly plan: LocalPlan,
    protected readonly engine: ContainerEngine,
    protected readonly emit: (e: RunnerEvent) => void,
    protected readonly onState: (s: RunnerState) => void,
    protected readonly opts: TaskRunnerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    for (const spec of plan.containers)
      this.live.set(spec.name, { spec, started: false, nextProbeAt: Infinity, probing: false, restarts: 0, exitedUnhealthy: false });
    for (const spec of plan.containers)
      for (const d of spec.dependsOn)
        if (!this.live.has(d.container)) throw new LocalStepError('start', `${spec.name} depends on an unknown container ${d.container}`);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
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

  protected say(kind: RunnerEvent['kind'], text: string, container?: string, details?: string[], interrupted?: boolean): void {
    this.emit({ time: new Date(this.now()).toISOString(), kind, text, container, details, ...(interrupted ? { interrupted } : {}) });
  }

  protected publish(): void {
    this.onState(this.snapshot());
  }

  protected healthOf(name: string): HealthStatus {
    const l = this.live.get(name)!;
    if (!l.spec.health) return 'NONE';
    if (l.exitedUnhealthy) return 'UNHEALTHY';
    return ecsHealth(l.inspected?.health ?? '', true);
  }

  protected isFailed(name: string): boolean {
    const l = this.live.get(name)!;
    return l.started && (EXITED.has(l.inspected?.status ?? '') || this.healthOf(name) === 'UNHEALTHY');
  }

  protected schedule(): void {
    // Fast while starting (health waits), then once a second: exits are noticed within a second,
    // and each pass costs one inspect (one `podman inspect` of every container, or one Docker API call per container).
    const tickMs = () => this.opts.tickMs ?? (this.status === 'PENDING' ? 250 : 1000);
    const loop = async () => {
      await this.tick();
      if (this.status !== 'STOPPED') this.timer = setTimeout(loop, tickMs());
    };
    this.timer = setTimeout(loop, tickMs());
  }

  /** One supervision pass: read every container, run due health checks, handle exits. */
  protected async tick(): Promise<void> {
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
            l.nextProbeAt = firstProbeAt(i.startedAt ?? now, l.spec.health, this.opts.startPeriodProbeMs);
          }
          if (l.spec.health && this.engine.capabilities.healthSchedule === 'runner' && !l.probing && now >= l.nextProbeAt) void this.probe(l);
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

  protected async inspectAll(): Promise<void> {
    const states = await this.engine.inspectContainers([...this.live.values()].map((l) => l.spec.containerName));
    for (const l of this.live.values()) {
      const st = states.get(l.spec.containerName);
      l.inspected = st ?? { status: 'removed', exitCode: -1, oomKilled: false, health: '', startedAt: l.inspected?.startedAt, finishedAt: this.now() };
      if (l.started && l.firstStartedAt === undefined) l.firstStartedAt = l.inspected.startedAt;
    }
  }

  protected async probe(l: Live): Promise<void> {
    const h = l.spec.health!;
    l.probing = true;
    let health = l.inspected?.health;
    try {
      // podman applies the definition's timeout, retries and start period and records the result.
      await this.engine.runHealthCheck(l.spec.containerName, (h.timeoutS + 10) * 1000);
      health = (await this.engine.inspectContainers([l.spec.containerName])).get(l.spec.containerName)?.health ?? health;
    } finally {
      l.probing = false;
      l.nextProbeAt = nextProbeAt(this.now(), l.inspected?.startedAt ?? this.now(), h, health, this.opts.startPeriodProbeMs);
    }
  }

  protected async handleExit(l: Live, i: ContainerStatus): Promise<void> {
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

  /** The container's last log lines and last health check output, for failure reports. */
  protected async diagnostics(spec: PlannedContainer): Promise<string[]> {
    const out: string[] = [];
    const lines: string[] = [];
    await this.engine.logs(spec.containerName, { follow: false, tail: 20 }, (l) => l.trim() && lines.push(l)).done;
    out.push(`last log lines of ${spec.name}:`, ...(lines.length ? lines.slice(-20).map((l) => `  ${l}`) : ['  (none)']));
    const hc = this.live.get(spec.name)?.inspected?.healthOutput;
    if (hc) out.push(`last health check output of ${spec.name}: ${hc}`);
    return out;
  }

  protected async doStop(reason: string): Promise<void> {
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
