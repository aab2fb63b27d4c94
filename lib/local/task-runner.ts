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
 * - dependsOn and essential have no engine equivalent.
 */
import type { ContainerEngine } from './engines/container-engine';
import { LocalStepError } from './errors';
import type { ContainerState, HealthStatus, LocalPlan, PlannedContainer, RunnerEvent, RunnerState, TaskStatus } from './state';

/** ECS's default for StartTimeout on EC2 (dependency resolution), in seconds. */
export const DEFAULT_START_TIMEOUT_S = 180;
/** During a health check's start period the runner probes this often (like Docker's --health-start-interval). */
export const START_PERIOD_PROBE_MS = 1000;

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
}

export interface TaskRunnerOptions {
  readonly mode: RunnerState['mode'];
  /** Supervision pass interval (default: 250 ms while starting, then 1 s). */
  readonly tickMs?: number;
  /** Probe interval during a start period (default START_PERIOD_PROBE_MS). */
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
  private get startProbeMs(): number {
    return this.opts.startPeriodProbeMs ?? START_PERIOD_PROBE_MS;
  }
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
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** Start every container in order and wait until all are healthy (or running, without a check). */
  async start(): Promise<void> {
    this.schedule();
    try {
      for (const spec of this.plan.containers) {
        for (const dep of spec.dependsOn) await this.waitFor(spec, dep.container, dep.condition);
        this.say('step', `start ${spec.name}`, spec.name);
        this.blame = spec.name;
        await this.engine.startContainer(spec.containerName);
        this.live.get(spec.name)!.started = true;
        await this.tick();
        this.say('done', `${spec.name} started`, spec.name);
      }
      for (const spec of this.plan.containers) await this.waitFor(undefined, spec.name, spec.health ? 'HEALTHY' : 'START');
      if (this.status !== 'PENDING') throw new LocalStepError('start', this.stoppedReason ?? 'the task stopped');
      this.status = 'RUNNING';
      this.publish();
      this.say('ready', `task RUNNING: ${this.plan.containers.map((c) => `${c.name} ${this.healthOf(c.name)}`).join(', ')}`);
    } catch (e) {
      const err = e instanceof LocalStepError ? e : new LocalStepError('start', (e as Error).message);
      const failing = this.plan.containers.find((c) => c.name === this.blame) ?? this.plan.containers.find((c) => this.isFailed(c.name));
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
        status: !i || !l.started ? 'CREATED' : EXITED.has(i.status) ? 'STOPPED' : 'RUNNING',
        health: this.healthOf(name),
        restarts: l.restarts,
        exitCode: i && EXITED.has(i.status) ? i.exitCode : undefined,
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
            // A new run (first start or restart): first probe after 1 s in a start period, else after one interval.
            l.probedRun = i.startedAt;
            l.exitedUnhealthy = false;
            l.nextProbeAt =
              (i.startedAt ?? now) + (l.spec.health && l.spec.health.startPeriodS > 0 ? this.startProbeMs : (l.spec.health?.intervalS ?? 0) * 1000);
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
    }
  }

  private async probe(l: Live): Promise<void> {
    const h = l.spec.health!;
    l.probing = true;
    try {
      // podman applies the definition's timeout, retries and start period and records the result.
      await this.engine.runHealthCheck(l.spec.containerName, (h.timeoutS + 10) * 1000);
    } finally {
      l.probing = false;
      const started = l.inspected?.startedAt ?? this.now();
      const inStartPeriod = this.now() < started + h.startPeriodS * 1000;
      const healthy = l.inspected?.health === 'healthy';
      l.nextProbeAt = this.now() + (inStartPeriod && !healthy ? this.startProbeMs : h.intervalS * 1000);
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
      this.say('warn', `${name} is not essential and stays stopped (${decision.why})`, name);
    }
  }

  /** Wait until `target` meets `condition` (for `forSpec`'s dependsOn, or the final readiness check). */
  private async waitFor(forSpec: PlannedContainer | undefined, target: string, condition: PlannedContainer['dependsOn'][number]['condition']): Promise<void> {
    const t = this.live.get(target);
    if (!t) throw new LocalStepError('start', `unknown container ${target}`);
    const h = t.spec.health;
    const step = forSpec
      ? `${forSpec.name}: wait for ${target} to be ${condition}`
      : `wait for ${target} to be ${condition === 'HEALTHY' ? 'HEALTHY' : 'running'}`;
    // Dependency waits give up after StartTimeout (ECS default 3 min); the readiness wait after the
    // time the health check needs to decide at the latest.
    const limitS = forSpec
      ? (forSpec.startTimeoutS ?? DEFAULT_START_TIMEOUT_S)
      : Math.max(DEFAULT_START_TIMEOUT_S, h ? h.startPeriodS + (h.retries + 1) * (h.intervalS + h.timeoutS) : 0);
    const begin = this.now();
    this.blame = target;
    this.say('step', step, target);
    let lastText = '';
    for (;;) {
      if (this.status === 'STOPPING' || this.status === 'STOPPED') throw new LocalStepError(step, this.stoppedReason ?? 'the task is stopping');
      const i = t.inspected;
      const health = this.healthOf(target);
      const state = !t.started ? 'not started' : (i?.status ?? 'unknown');
      const exited = t.started && i !== undefined && EXITED.has(i.status);
      if (condition === 'START' && t.started) break;
      if (condition === 'HEALTHY' && health === 'HEALTHY' && i?.status === 'running') break;
      if (condition === 'COMPLETE' && exited) break;
      if (condition === 'SUCCESS' && exited && i!.exitCode === 0) break;
      if (condition === 'SUCCESS' && exited) throw new LocalStepError(step, `${target} exited with code ${i!.exitCode}, not 0`);
      if (condition === 'HEALTHY' && (health === 'UNHEALTHY' || exited)) {
        throw new LocalStepError(
          step,
          exited
            ? `${target} exited with code ${i!.exitCode} before it was HEALTHY`
            : `${target} is UNHEALTHY${i?.healthOutput ? ` (last check: ${i.healthOutput.split('\n').pop()})` : ''}`,
        );
      }
      const elapsedS = (this.now() - begin) / 1000;
      if (elapsedS > limitS) throw new LocalStepError(step, `${target} is still ${state}${h ? `, health ${health}` : ''} after ${limitS} s`);
      const text = `${target} ${state}${h ? `, health ${health}` : ''}`;
      if (text !== lastText) {
        this.say('progress', text, target);
        lastText = text;
      }
      await new Promise((r) => setTimeout(r, Math.min(200, this.opts.tickMs ?? 200)));
    }
    this.say('done', `${target} is ${condition === 'START' ? 'running' : condition}`, target);
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
