/**
 * A container engine in memory, implementing the runner's seam (ContainerEngine): containers with a
 * state, a scripted health check, and a record of every call the runner made. In `runner` mode the
 * runner triggers each probe (as on podman); in `engine` mode the engine keeps the health itself and
 * the runner only reads it (as Docker's daemon does on an ECS host).
 */
import type { ContainerEngine, ContainerStatus, EngineCapabilities, EngineInfo, Following } from '../../../lib/local/engines/container-engine';

interface Box {
  status: string;
  exitCode: number;
  startedAt?: number;
  finishedAt?: number;
  health: string;
}

/** One call of the runner: the operation and the container it named. */
export type EngineCall = [op: 'start' | 'stop' | 'healthcheck' | 'inspect' | 'logs', name: string];

export class InMemoryEngine implements ContainerEngine {
  readonly calls: EngineCall[] = [];
  readonly box = new Map<string, Box>();
  /** Result of a health check per container name (true: healthy). */
  healthy: (name: string) => boolean = () => true;
  readonly info: EngineInfo;
  readonly capabilities: EngineCapabilities;
  private readonly hooks: ((call: EngineCall) => void)[] = [];

  constructor(names: string[], healthSchedule: EngineCapabilities['healthSchedule'] = 'runner') {
    for (const n of names) this.box.set(n, { status: 'created', exitCode: 0, health: '' });
    this.info = { kind: 'docker', version: 'in-memory', rootless: false, cgroupVersion: 2, cgroupDriver: 'cgroupfs', remote: false, endpoint: 'memory' };
    this.capabilities = {
      taskLimits: { honoured: { on: 'engine-task' } },
      pidsLimit: { honoured: { on: 'engine-task' } },
      containerLimits: { honoured: true },
      healthSchedule,
      healthCommandAsRun: () => undefined,
      secrets: 'api-environment',
      hostnameInSharedNetns: true,
      networkNamespace: 'engine-task',
      init: 'tini',
    };
  }

  /** Run `f` after every call the runner makes (the engine's scripted side effects). */
  after(f: (call: EngineCall) => void): void {
    this.hooks.push(f);
  }

  /** Make a running container exit, as if it had started `ranS` seconds before. */
  exit(name: string, code: number, ranS: number): void {
    Object.assign(this.box.get(name)!, { status: 'exited', exitCode: code, startedAt: Date.now() - ranS * 1000, finishedAt: Date.now() });
  }

  private record(call: EngineCall): void {
    this.calls.push(call);
    for (const f of this.hooks) f(call);
  }

  async startContainer(name: string): Promise<void> {
    Object.assign(this.box.get(name)!, { status: 'running', startedAt: Date.now(), health: 'starting' });
    this.record(['start', name]);
  }

  async stopContainer(name: string): Promise<void> {
    const c = this.box.get(name);
    if (c) Object.assign(c, { status: 'exited', exitCode: 0, finishedAt: Date.now() });
    this.record(['stop', name]);
  }

  async runHealthCheck(name: string): Promise<void> {
    if (this.capabilities.healthSchedule === 'runner') this.box.get(name)!.health = this.healthy(name) ? 'healthy' : 'unhealthy';
    this.record(['healthcheck', name]);
  }

  async inspectContainers(names: string[]): Promise<Map<string, ContainerStatus | undefined>> {
    const out = new Map<string, ContainerStatus | undefined>();
    for (const n of names) {
      const c = this.box.get(n);
      // Where the engine schedules the checks, a running container's health is always current.
      if (c && this.capabilities.healthSchedule === 'engine' && c.status === 'running') c.health = this.healthy(n) ? 'healthy' : 'unhealthy';
      out.set(n, c && { status: c.status, exitCode: c.exitCode, oomKilled: false, startedAt: c.startedAt, finishedAt: c.finishedAt, health: c.health });
      this.record(['inspect', n]);
    }
    return out;
  }

  logs(name: string, _opts: unknown, onLine: (line: string) => void): Following {
    this.record(['logs', name]);
    onLine('line 1');
    onLine('line 2');
    return { stop: () => undefined, done: Promise.resolve() };
  }

  // Not part of what the runner does with a created task.
  private unused(): never {
    throw new Error('not used by the task runner');
  }
  loadBalancerAddress = async (): Promise<string> => this.unused();
  imageExists = async (): Promise<boolean> => this.unused();
  pullImage = async (): Promise<void> => this.unused();
  buildImage = async (): Promise<void> => this.unused();
  importImage = async (): Promise<void> => this.unused();
  imageConfig = async (): Promise<undefined> => this.unused();
  imageIdentity = async (): Promise<undefined> => this.unused();
  readImageFiles = async (): Promise<Map<string, Buffer>> => this.unused();
  createTask = async (): Promise<void> => this.unused();
  taskExists = async (): Promise<'absent'> => this.unused();
  removeTask = async (): Promise<string[]> => this.unused();
  taskCgroup = async (): Promise<undefined> => this.unused();
  taskAddress = async (): Promise<undefined> => this.unused();
  inspectRaw = async (): Promise<undefined> => this.unused();
  listContainers = async (): Promise<string[]> => this.unused();
  listTasks = async (): Promise<string[]> => this.unused();
  diff = async (): Promise<never[]> => this.unused();
  exec = async (): Promise<{ code: number; output: string }> => this.unused();
  runOnce = async (): Promise<{ code: number; output: string }> => this.unused();
  createNetwork = async (): Promise<{ subnet: string }> => this.unused();
  ensureVolume = async (): Promise<{ created: boolean }> => this.unused();
  removeVolumes = async (): Promise<string[]> => this.unused();
  createStandin = async (): Promise<void> => this.unused();
}
