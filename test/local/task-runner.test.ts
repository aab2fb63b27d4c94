import { LocalStepError } from '../../lib/local/errors';
import { Podman, type RunOptions, type RunResult } from '../../lib/local/engines/podman-cli';
import { PodmanEngine } from '../../lib/local/engines/podman-engine';
import type { LocalPlan, PlannedContainer, RunnerEvent } from '../../lib/local/state';
import { TaskRunner, ecsHealth, restartDecision } from '../../lib/local/task-runner';

/** In-memory podman CLI (the seam the podman engine talks through): containers with a state, and a scripted health check. */
class FakePodman extends Podman {
  readonly calls: string[][] = [];
  readonly box = new Map<string, { status: string; exitCode: number; startedAt?: number; finishedAt?: number; health: string }>();
  /** Result of `healthcheck run` per container name (true: healthy). */
  healthy: (name: string) => boolean = () => true;

  constructor(names: string[]) {
    super({});
    for (const n of names) this.box.set(n, { status: 'created', exitCode: 0, health: '' });
  }

  /** Make a running container exit, as if it had started `ranS` seconds before. */
  exit(name: string, code: number, ranS: number): void {
    const c = this.box.get(name)!;
    Object.assign(c, { status: 'exited', exitCode: code, startedAt: Date.now() - ranS * 1000, finishedAt: Date.now() });
  }

  override async run(args: string[], _opts?: RunOptions): Promise<RunResult> {
    this.calls.push(args);
    const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '' });
    const [cmd, sub, ...rest] = args;
    if (cmd === 'container' && sub === 'inspect') {
      const docs = rest.map((n) => {
        const c = this.box.get(n)!;
        const iso = (t?: number) => (t ? new Date(t).toISOString() : '0001-01-01T00:00:00Z');
        return {
          Name: n,
          State: { Status: c.status, ExitCode: c.exitCode, StartedAt: iso(c.startedAt), FinishedAt: iso(c.finishedAt), Health: { Status: c.health, Log: [] } },
        };
      });
      return ok(JSON.stringify(docs));
    }
    const c = this.box.get(args[args.length - 1]);
    if (cmd === 'start' && c) Object.assign(c, { status: 'running', startedAt: Date.now(), health: 'starting' });
    if (cmd === 'stop' && c) Object.assign(c, { status: 'exited', exitCode: 0, finishedAt: Date.now() });
    if (cmd === 'healthcheck' && c) {
      const healthy = this.healthy(args[2]);
      c.health = healthy ? 'healthy' : 'unhealthy';
      return { code: healthy ? 0 : 1, stdout: '', stderr: '' };
    }
    if (cmd === 'logs') return ok('line 1\nline 2\n');
    return ok();
  }
}

const health = { test: ['CMD', '/hc'], intervalS: 10, timeoutS: 5, retries: 3, startPeriodS: 15 };
const restart = { ignoredExitCodes: [], attemptPeriodS: 60 };
const container = (name: string, extra: Partial<PlannedContainer> = {}): PlannedContainer => ({
  name,
  containerName: `p-${name}`,
  image: 'i',
  essential: true,
  dependsOn: [],
  health,
  restart,
  stopTimeoutS: 30,
  ...extra,
});
const plan = (containers: PlannedContainer[]): LocalPlan => ({
  podName: 'p',
  engine: 'podman',
  projectDir: '/',
  url: 'http://127.0.0.1:1/',
  hostPort: 1,
  templateFile: 't',
  taskLogicalId: 'Td',
  createdAt: '',
  containers,
  fields: [],
  secrets: [],
});
const APP_PROXY = plan([container('app'), container('proxy', { dependsOn: [{ container: 'app', condition: 'HEALTHY' }] })]);

const INFO = { kind: 'podman', version: 'fake', rootless: false, cgroupVersion: 2, cgroupDriver: 'cgroupfs', remote: false, endpoint: 'fake' } as const;

function runner(p: LocalPlan, podman: FakePodman, events: RunnerEvent[]): TaskRunner {
  return new TaskRunner(
    p,
    new PodmanEngine(podman, INFO, 'secure-ecs.local'),
    (e) => events.push(e),
    () => undefined,
    { mode: 'foreground', tickMs: 10, startPeriodProbeMs: 10 },
  );
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('TaskRunner (the ECS agent stand-in)', () => {
  test('starts a dependent only once its dependency is HEALTHY, then reports RUNNING', async () => {
    const podman = new FakePodman(['p-app', 'p-proxy']);
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, podman, events);
    await r.start();
    const starts = podman.calls.filter((c) => c[0] === 'start').map((c) => c[1]);
    expect(starts).toEqual(['p-app', 'p-proxy']);
    const firstProxyStart = podman.calls.findIndex((c) => c[0] === 'start' && c[1] === 'p-proxy');
    const firstAppCheck = podman.calls.findIndex((c) => c[0] === 'healthcheck' && c[2] === 'p-app');
    expect(firstAppCheck).toBeGreaterThan(-1);
    expect(firstAppCheck).toBeLessThan(firstProxyStart);
    expect(r.snapshot().taskStatus).toBe('RUNNING');
    expect(events.at(-1)).toMatchObject({ kind: 'ready', text: 'task RUNNING: app HEALTHY, proxy HEALTHY' });
    await r.stop('test over');
  });

  test('fails the start when a dependency turns UNHEALTHY, with its last log lines, and stops the task', async () => {
    const podman = new FakePodman(['p-app', 'p-proxy']);
    podman.healthy = () => false;
    const p = plan([container('app', { health: { ...health, startPeriodS: 0, intervalS: 0 } }), APP_PROXY.containers[1]]);
    const r = runner(p, podman, []);
    const run = podman.run.bind(podman);
    let failures = 0;
    podman.run = async (args, opts) => {
      const res = await run(args, opts);
      // podman's own retries: unhealthy only after the third failure in a row.
      if (args[0] === 'healthcheck') podman.box.get('p-app')!.health = ++failures >= 3 ? 'unhealthy' : 'starting';
      return res;
    };
    const err = await r.start().catch((e) => e);
    expect(err).toBeInstanceOf(LocalStepError);
    expect(err.message).toMatch(/app is UNHEALTHY/);
    expect(err.details).toEqual(expect.arrayContaining(['last log lines of app:', '  line 2']));
    expect(podman.calls.some((c) => c[0] === 'start' && c[1] === 'p-proxy')).toBe(false);
    expect(await r.stopped).toMatch(/app is UNHEALTHY/);
  });

  test('an essential container that exits before RestartAttemptPeriod stops the task, dependents first', async () => {
    const podman = new FakePodman(['p-app', 'p-proxy']);
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, podman, events);
    await r.start();
    podman.exit('p-app', 137, 5);
    const reason = await r.stopped;
    expect(reason).toBe('Essential container in task exited: app (exit 137; not restarted because it ran 5 s, less than its RestartAttemptPeriod of 60 s)');
    expect(podman.calls.filter((c) => c[0] === 'stop').map((c) => c.at(-1))).toEqual(['p-proxy']);
    expect(r.snapshot().containers.app).toMatchObject({ status: 'STOPPED', health: 'UNHEALTHY', exitCode: 137 });
  });

  test('a container that ran for RestartAttemptPeriod is restarted in place; the task keeps running', async () => {
    const podman = new FakePodman(['p-app', 'p-proxy']);
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, podman, events);
    await r.start();
    podman.exit('p-app', 137, 61);
    await until(() => r.snapshot().containers.app.restarts === 1 && r.snapshot().containers.app.health === 'HEALTHY');
    expect(r.snapshot()).toMatchObject({ taskStatus: 'RUNNING', containers: { app: { status: 'RUNNING', restarts: 1, health: 'HEALTHY' } } });
    expect(events.map((e) => e.text)).toEqual(
      expect.arrayContaining([
        'app exited with code 137 after 61 s',
        'app health: UNHEALTHY (the container exited)',
        'app restarted by its restart policy (it ran 61 s (RestartAttemptPeriod 60 s)); restart 1',
      ]),
    );
    await r.stop('test over');
    expect(podman.calls.filter((c) => c[0] === 'stop').map((c) => c.at(-1))).toEqual(['p-proxy', 'p-app']);
  });
});

describe('ECS semantics', () => {
  test('restart decision: policy, ignored exit codes, attempt period', () => {
    expect(restartDecision({}, 1, 1000)).toEqual({ restart: false, why: 'it has no restart policy' });
    expect(restartDecision({ restart: { ignoredExitCodes: [0], attemptPeriodS: 60 } }, 0, 1000).restart).toBe(false);
    expect(restartDecision({ restart }, 1, 59.6).restart).toBe(false);
    expect(restartDecision({ restart }, 1, 60).restart).toBe(true);
  });

  test('health names', () => {
    expect(ecsHealth('healthy', true)).toBe('HEALTHY');
    expect(ecsHealth('starting', true)).toBe('UNKNOWN');
    expect(ecsHealth('', false)).toBe('NONE');
  });
});
