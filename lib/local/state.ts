/**
 * What `up` leaves behind for `status`, `logs`, `down` and the detached supervisor: the plan (what was
 * created, how each container is supervised), the live state the supervisor keeps current, and its
 * event log. One directory per task under the cache dir.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EngineKind } from './engines/container-engine';
import { cacheDir } from './host/cache-dir';
import type { FieldReport, HealthStatus } from './spec';
import type { TranslatedContainer } from './translate/container';

export const DEFAULT_TASK_NAME = 'secure-ecs-local';

/** What the runner needs of each container: the translation's supervision settings and the image it runs. */
export type PlannedContainer = Pick<
  TranslatedContainer,
  'name' | 'containerName' | 'essential' | 'dependsOn' | 'health' | 'restart' | 'stopTimeoutS' | 'startTimeoutS'
> & { readonly image: string };

export interface LocalPlan {
  readonly taskName: string;
  /** The engine `up` created the task on: down, status and logs use the same one. */
  readonly engine: EngineKind;
  readonly projectDir: string;
  readonly url: string;
  readonly hostPort: number;
  readonly templateFile: string;
  readonly taskLogicalId: string;
  readonly createdAt: string;
  /** Start order (dependencies first). */
  readonly containers: PlannedContainer[];
  readonly fields: FieldReport[];
  /** Names of the secrets the task received (values are never stored). */
  readonly secrets: string[];
  /** The RDS stand-in, when the template has a database: its container runs outside the task. */
  readonly standin?: { readonly containerName: string; readonly engine: string; readonly address: string; readonly network: string; readonly volume: string };
}

export type TaskStatus = 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

export interface ContainerState {
  readonly status: 'CREATED' | 'RUNNING' | 'STOPPED';
  readonly health: HealthStatus;
  readonly restarts: number;
  readonly exitCode?: number;
  readonly startedAt?: string;
}

export interface RunnerState {
  readonly pid: number;
  readonly mode: 'foreground' | 'detached';
  readonly taskStatus: TaskStatus;
  readonly stoppedReason?: string;
  readonly updatedAt: string;
  readonly containers: Record<string, ContainerState>;
}

export interface RunnerEvent {
  readonly time: string;
  /** step/progress/done: a long step and its progress; started: a container (re)started. */
  readonly kind: 'step' | 'progress' | 'done' | 'info' | 'warn' | 'started' | 'ready' | 'failed' | 'stopped';
  readonly text: string;
  readonly container?: string;
  /** For failed/stopped: the failing container's last log lines. */
  readonly details?: string[];
  /** For failed: the start was cut short by a stop (Ctrl-C, `local down`), not by the task. */
  readonly interrupted?: boolean;
}

export class StateDir {
  /** The folder holding every task's state directory, one per task name. */
  static root(): string {
    return path.join(cacheDir(), 'local');
  }
  readonly dir: string;
  constructor(readonly taskName: string) {
    this.dir = path.join(StateDir.root(), taskName);
  }
  get planFile(): string {
    return path.join(this.dir, 'plan.json');
  }
  get stateFile(): string {
    return path.join(this.dir, 'state.json');
  }
  get eventsFile(): string {
    return path.join(this.dir, 'events.jsonl');
  }
  get supervisorLog(): string {
    return path.join(this.dir, 'supervisor.log');
  }
  /** Start afresh for a new `up`. */
  reset(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
  writePlan(plan: LocalPlan): void {
    writeAtomic(this.planFile, JSON.stringify(plan, null, 2));
  }
  readPlan(): LocalPlan | undefined {
    return readJson(this.planFile);
  }
  writeState(state: RunnerState): void {
    writeAtomic(this.stateFile, JSON.stringify(state, null, 2));
  }
  readState(): RunnerState | undefined {
    return readJson(this.stateFile);
  }
  appendEvent(e: RunnerEvent): void {
    appendFileSync(this.eventsFile, `${JSON.stringify(e)}\n`);
  }
  readEvents(fromByte = 0): { events: RunnerEvent[]; nextByte: number } {
    let buf: Buffer;
    try {
      buf = readFileSync(this.eventsFile);
    } catch {
      return { events: [], nextByte: fromByte };
    }
    const text = buf.subarray(fromByte).toString();
    const end = text.lastIndexOf('\n') + 1;
    const events = text
      .slice(0, end)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RunnerEvent);
    return { events, nextByte: fromByte + Buffer.byteLength(text.slice(0, end)) };
  }
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live process (signal 0 checks without signalling). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
