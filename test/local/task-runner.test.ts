import { LocalStepError } from '../../lib/local/errors';
import { InMemoryEngine } from './helpers/in-memory-engine';
import type { LocalPlan, PlannedContainer, RunnerEvent } from '../../lib/local/state';
import { ecsHealth, restartDecision } from '../../lib/local/runner/restart-policy';
import { TaskRunner } from '../../lib/local/runner/task-runner';
import { NOT_STARTED_EXIT_CODE, type TaskRunnerOptions } from '../../lib/local/runner/task-supervisor';

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
  taskName: 'p',
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

function runner(p: LocalPlan, engine: InMemoryEngine, events: RunnerEvent[], opts: Partial<TaskRunnerOptions> = {}): TaskRunner {
  return new TaskRunner(
    p,
    engine,
    (e) => events.push(e),
    () => undefined,
    { mode: 'foreground', tickMs: 10, startPeriodProbeMs: 10, ...opts },
  );
}

/** Run `f` after every engine call (the engine's scripted side effects). */
const after = (engine: InMemoryEngine, f: (call: string[]) => void) => engine.after(f);

const startedNames = (engine: InMemoryEngine) => engine.calls.filter((c) => c[0] === 'start').map((c) => c.at(-1));
const texts = (events: RunnerEvent[]) => events.map((e) => e.text);
/** The runner sees every engine time an hour in the past: a container started "an hour ago". */
const HOUR_LATER = () => Date.now() + 3600_000;

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('TaskRunner (the ECS agent stand-in)', () => {
  test('starts a dependent only once its dependency is HEALTHY, then reports RUNNING', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, engine, events);
    await r.start();
    const starts = engine.calls.filter((c) => c[0] === 'start').map((c) => c[1]);
    expect(starts).toEqual(['p-app', 'p-proxy']);
    const firstProxyStart = engine.calls.findIndex((c) => c[0] === 'start' && c[1] === 'p-proxy');
    const firstAppCheck = engine.calls.findIndex((c) => c[0] === 'healthcheck' && c[1] === 'p-app');
    expect(firstAppCheck).toBeGreaterThan(-1);
    expect(firstAppCheck).toBeLessThan(firstProxyStart);
    expect(r.snapshot().taskStatus).toBe('RUNNING');
    expect(events.at(-1)).toMatchObject({ kind: 'ready', text: 'task RUNNING: app HEALTHY, proxy HEALTHY' });
    await r.stop('test over');
  });

  test("the template's START: the proxy starts before the app's first health check, and the task is ready once both are HEALTHY", async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    const events: RunnerEvent[] = [];
    const p = plan([container('app'), container('proxy', { dependsOn: [{ container: 'app', condition: 'START' }] })]);
    const r = runner(p, engine, events);
    await r.start();
    const firstProxyStart = engine.calls.findIndex((c) => c[0] === 'start' && c[1] === 'p-proxy');
    const firstAppCheck = engine.calls.findIndex((c) => c[0] === 'healthcheck' && c[1] === 'p-app');
    expect(firstProxyStart).toBeGreaterThan(-1);
    expect(firstAppCheck).toBeGreaterThan(firstProxyStart);
    expect(texts(events)).toEqual(expect.arrayContaining(['proxy: wait for app to be started (START)', 'app is started (START)']));
    expect(events.at(-1)).toMatchObject({ kind: 'ready', text: 'task RUNNING: app HEALTHY, proxy HEALTHY' });
    await r.stop('test over');
  });

  test('stopped while starting (Ctrl-C): the stop finishes its steps first, then the start is reported failed, without container logs', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    engine.healthy = () => false;
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, engine, events);
    const started = r.start().then(
      () => 'started',
      (e: Error) => e.message,
    );
    await until(() => engine.calls.some((c) => c[0] === 'healthcheck'));
    await r.stop('SIGINT received by secure-ecs local up');
    expect(await started).toContain('SIGINT received');
    const failed = events.findIndex((e) => e.kind === 'failed');
    const lastDone = events.map((e) => e.kind).lastIndexOf('done');
    expect(failed).toBeGreaterThan(lastDone);
    expect(events[failed].details ?? []).toEqual([]);
    expect(events[failed].interrupted).toBe(true);
  });

  test('an UNHEALTHY dependency with a StartTimeout: after it the dependent is not started and, being essential, stops the task; the last log lines shown', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    engine.healthy = () => false;
    // Ahead of the engine's clock, so the first probes are due at once.
    let t = Date.now() + 1000;
    const p = plan([container('app', { health: { ...health, startPeriodS: 0, intervalS: 0 }, startTimeoutS: 30 }), APP_PROXY.containers[1]]);
    const events: RunnerEvent[] = [];
    const r = runner(p, engine, events, { now: () => t });
    let failures = 0;
    // The engine's own retries: unhealthy only after the third failure in a row.
    after(engine, (args) => args[0] === 'healthcheck' && (engine.box.get('p-app')!.health = ++failures >= 3 ? 'unhealthy' : 'starting'));
    const failed = r.start().catch((e) => e);
    await until(() => r.snapshot().containers.app.health === 'UNHEALTHY');
    // UNHEALTHY is not terminal in the agent (Docker may report healthy again): the wait goes on.
    await new Promise((res) => setTimeout(res, 100));
    expect(r.snapshot().taskStatus).toBe('PENDING');
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'warn',
        text: 'proxy is not started yet: app is running, health UNHEALTHY; the ECS agent keeps waiting for it to be HEALTHY (until its StartTimeout of 30 s after its start)',
      }),
    );
    t += 31_000;
    const err = await failed;
    expect(err).toBeInstanceOf(LocalStepError);
    expect(err.message).toBe(
      `Essential container in task exited: proxy (exit ${NOT_STARTED_EXIT_CODE}; not started because a dependency can never be met: ` +
        'app is not HEALTHY within its StartTimeout of 30 s (counted from its start; it is running, health UNHEALTHY))',
    );
    expect(err.details).toEqual(expect.arrayContaining(['last log lines of app:', '  line 2']));
    expect(startedNames(engine)).toEqual(['p-app']);
    expect(await r.stopped).toBe(`start failed: ${err.message}`);
    expect(r.snapshot().containers.proxy).toMatchObject({ status: 'STOPPED', exitCode: 143 });
  });

  test('an essential container that exits before RestartAttemptPeriod stops the task, dependents first', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, engine, events);
    await r.start();
    engine.exit('p-app', 137, 5);
    const reason = await r.stopped;
    expect(reason).toBe('Essential container in task exited: app (exit 137; not restarted because it ran 5 s, less than its RestartAttemptPeriod of 60 s)');
    expect(engine.calls.filter((c) => c[0] === 'stop').map((c) => c.at(-1))).toEqual(['p-proxy']);
    expect(r.snapshot().containers.app).toMatchObject({ status: 'STOPPED', health: 'UNHEALTHY', exitCode: 137 });
  });

  test('a container that ran for RestartAttemptPeriod is restarted in place; the task keeps running', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, engine, events);
    await r.start();
    engine.exit('p-app', 137, 61);
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
    expect(engine.calls.filter((c) => c[0] === 'stop').map((c) => c.at(-1))).toEqual(['p-proxy', 'p-app']);
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

describe('dependsOn as the ECS agent resolves it (amazon-ecs-agent agent/engine/dependencygraph/graph.go)', () => {
  test("StartTimeout is the dependency's own, counted from the dependency's start", async () => {
    // app started "an hour ago" as the runner's clock reads the engine's times; its StartTimeout of
    // 60 s has passed before proxy began to wait, and proxy's own StartTimeout (1 h) does not apply.
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    engine.healthy = () => false;
    after(engine, (args) => args[0] === 'healthcheck' && (engine.box.get('p-app')!.health = 'starting'));
    const p = plan([
      container('app', { startTimeoutS: 60 }),
      container('proxy', { startTimeoutS: 3600, dependsOn: [{ container: 'app', condition: 'HEALTHY' }] }),
    ]);
    const r = runner(p, engine, [], { now: HOUR_LATER });
    const err = await r.start().catch((e) => e);
    expect(err.message).toMatch(
      /^Essential container in task exited: proxy .*app is not HEALTHY within its StartTimeout of 60 s \(counted from its start; it is running, health UNKNOWN\)\)$/,
    );
    expect(startedNames(engine)).toEqual(['p-app']);
  });

  test("no StartTimeout on the dependency: no timeout, however long (the dependent's own StartTimeout does not count)", async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    let appHealthy = false;
    engine.healthy = (name) => name !== 'p-app' || appHealthy;
    after(engine, (args) => args[0] === 'healthcheck' && args[1] === 'p-app' && !appHealthy && (engine.box.get('p-app')!.health = 'starting'));
    let t = Date.now() + 1000; // ahead of the engine's clock, so the first probes are due at once
    const p = plan([container('app'), container('proxy', { startTimeoutS: 1, dependsOn: [{ container: 'app', condition: 'HEALTHY' }] })]);
    const r = runner(p, engine, [], { now: () => t });
    const started = r.start();
    await until(() => engine.calls.some((c) => c[0] === 'healthcheck'));
    for (let i = 0; i < 5; i++) {
      t += 24 * 3600_000;
      await new Promise((res) => setTimeout(res, 30));
    }
    expect(r.snapshot().taskStatus).toBe('PENDING');
    expect(startedNames(engine)).toEqual(['p-app']);
    appHealthy = true;
    t += 60_000; // the next probe is one Interval after the last (the clock is the runner's)
    await started;
    expect(startedNames(engine)).toEqual(['p-app', 'p-proxy']);
    await r.stop('test over');
  });

  test('a START dependency never times out, even when its StartTimeout has passed', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    const p = plan([container('app', { startTimeoutS: 1 }), container('proxy', { dependsOn: [{ container: 'app', condition: 'START' }] })]);
    const r = runner(p, engine, [], { now: HOUR_LATER });
    await r.start();
    expect(startedNames(engine)).toEqual(['p-app', 'p-proxy']);
    await r.stop('test over');
  });

  test('a HEALTHY dependency that turns UNHEALTHY after the dependent started stops nothing: the task is RUNNING', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy']);
    let proxyStarted = false;
    engine.healthy = (name) => name === 'p-proxy' || !proxyStarted;
    after(engine, (args) => {
      if (args[0] !== 'start' || args[1] !== 'p-proxy') return;
      proxyStarted = true;
      engine.box.get('p-app')!.health = 'unhealthy';
    });
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, engine, events);
    await r.start();
    await new Promise((res) => setTimeout(res, 100));
    expect(r.snapshot()).toMatchObject({
      taskStatus: 'RUNNING',
      containers: { app: { status: 'RUNNING', health: 'UNHEALTHY' }, proxy: { status: 'RUNNING' } },
    });
    expect(engine.calls.filter((c) => c[0] === 'stop')).toEqual([]);
    expect(texts(events)).toContain('app is UNHEALTHY; ECS keeps such a task RUNNING (a service would replace it)');
    await r.stop('test over');
  });

  /** init (no health check) exits with code 1 as soon as it starts; app depends on its SUCCESS. */
  const failingInit = (appEssential: boolean) => {
    const engine = new InMemoryEngine(['p-init', 'p-app']);
    after(engine, (args) => args[0] === 'start' && args[1] === 'p-init' && engine.exit('p-init', 1, 0));
    const p = plan([
      container('init', { essential: false, health: undefined, restart: undefined }),
      container('app', { essential: appEssential, dependsOn: [{ container: 'init', condition: 'SUCCESS' }] }),
    ]);
    return { engine, p };
  };

  test('a terminal dependency error (SUCCESS, exit 1) stops a non-essential dependent only; the task goes on', async () => {
    const { engine, p } = failingInit(false);
    // An essential container that runs keeps the task: a third one, started after the failed dependent.
    const p3 = plan([...p.containers, container('web', { health: undefined })]);
    engine.box.set('p-web', { status: 'created', exitCode: 0, health: '' });
    const events: RunnerEvent[] = [];
    const r = runner(p3, engine, events);
    await r.start();
    expect(startedNames(engine)).toEqual(['p-init', 'p-web']);
    expect(r.snapshot()).toMatchObject({ taskStatus: 'RUNNING', containers: { app: { status: 'STOPPED', exitCode: 143 }, web: { status: 'RUNNING' } } });
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'warn',
        container: 'app',
        text:
          'app is not started (STOPPED, exit 143, as the ECS agent reports it) because a dependency can never be met: ' +
          'init exited with code 1, and SUCCESS needs exit code 0; it is not essential, so the task goes on without it',
      }),
    );
    expect(events.at(-1)?.text).toBe('task RUNNING: init NONE, app STOPPED (not started), web NONE');
    await r.stop('test over');
  });

  test('a terminal dependency error stops an essential dependent and with it the task, the reason printed', async () => {
    const { engine, p } = failingInit(true);
    const events: RunnerEvent[] = [];
    const r = runner(p, engine, events);
    const err = await r.start().catch((e) => e);
    const reason =
      'Essential container in task exited: app (exit 143; not started because a dependency can never be met: init exited with code 1, and SUCCESS needs exit code 0)';
    expect(err.message).toBe(reason);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'failed', text: `app: dependsOn: ${reason}`, container: 'init' }));
    expect(await r.stopped).toBe(`start failed: ${reason}`);
    expect(startedNames(engine)).toEqual(['p-init']);
  });
});

describe('health probes the runner triggers (engines without their own schedule, as podman)', () => {
  /**
   * One app container with a start period of 60 s whose check passes once `passes()` is true, under
   * the runner with an injected clock; `at(ms)` moves the clock to ms after the container's start and
   * counts the probes so far.
   */
  async function probeClock(intervalS: number, startPeriodProbeMs: number | undefined, passes: () => boolean) {
    const engine = new InMemoryEngine(['p-app']);
    engine.healthy = passes;
    after(engine, (args) => args[0] === 'healthcheck' && !passes() && (engine.box.get('p-app')!.health = 'starting'));
    let t = Date.now();
    const p = plan([container('app', { health: { ...health, startPeriodS: 60, intervalS } })]);
    const r = runner(p, engine, [], { now: () => t, startPeriodProbeMs });
    const started = r.start().catch(() => undefined);
    await until(() => engine.box.get('p-app')!.startedAt !== undefined);
    const t0 = engine.box.get('p-app')!.startedAt!;
    const at = async (ms: number) => {
      t = t0 + ms;
      await new Promise((res) => setTimeout(res, 60));
      return engine.calls.filter((c) => c[0] === 'healthcheck').length;
    };
    const done = async () => {
      await r.stop('test over');
      await started;
    };
    return { at, done };
  }

  test('by default one Interval apart from the start, the start period included (Docker 25 on ECS-optimized hosts)', async () => {
    const { at, done } = await probeClock(10, undefined, () => false);
    expect(await at(9_900)).toBe(0);
    expect(await at(10_000)).toBe(1);
    expect(await at(19_900)).toBe(1);
    expect(await at(20_000)).toBe(2);
    await done();
  });

  test('with startPeriodProbeMs: that often while starting in the start period, then every Interval', async () => {
    let pass = false;
    const { at, done } = await probeClock(30, 5000, () => pass);
    expect(await at(4_900)).toBe(0);
    expect(await at(5_000)).toBe(1);
    expect(await at(9_900)).toBe(1);
    expect(await at(10_000)).toBe(2);
    pass = true;
    expect(await at(15_000)).toBe(3);
    // Passed: the Interval (30 s) from now on, though still within the start period.
    expect(await at(44_900)).toBe(3);
    expect(await at(45_000)).toBe(4);
    await done();
  });
});

describe('health checks the engine schedules itself (as Docker on an ECS host)', () => {
  test('the runner never probes: it reads the health, and the dependent starts once the dependency is HEALTHY', async () => {
    const engine = new InMemoryEngine(['p-app', 'p-proxy'], 'engine');
    const events: RunnerEvent[] = [];
    const r = runner(APP_PROXY, engine, events);
    await r.start();
    // Several supervision passes, each past a probe's due time (startPeriodProbeMs 10).
    await new Promise((res) => setTimeout(res, 150));
    expect(engine.calls.filter((c) => c[0] === 'healthcheck')).toEqual([]);
    expect(startedNames(engine)).toEqual(['p-app', 'p-proxy']);
    expect(texts(events)).toContain('task RUNNING: app HEALTHY, proxy HEALTHY');
    await r.stop('test over');
  });

  test('an UNHEALTHY container the engine reports is reported, and the task stays RUNNING as ECS keeps it', async () => {
    const engine = new InMemoryEngine(['p-app'], 'engine');
    engine.healthy = () => false;
    const events: RunnerEvent[] = [];
    const r = runner(plan([container('app')]), engine, events);
    await r.start();
    expect(engine.calls.filter((c) => c[0] === 'healthcheck')).toEqual([]);
    expect(texts(events)).toContainEqual(expect.stringMatching(/^app is UNHEALTHY; ECS keeps such a task RUNNING/));
    expect(r.snapshot()).toMatchObject({ taskStatus: 'RUNNING', containers: { app: { health: 'UNHEALTHY' } } });
    await r.stop('test over');
  });
});
