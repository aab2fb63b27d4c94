import { hasTimedOut, resolveDependency, type DependencyState } from '../../lib/local/runner/dependency-graph';

const T0 = 1_000_000;
const dep = (extra: Partial<DependencyState> = {}): DependencyState => ({
  name: 'app',
  started: true,
  stopped: false,
  hasHealthCheck: true,
  health: 'UNKNOWN',
  firstStartedAt: T0,
  startTimeoutS: 30,
  willNotStart: false,
  state: 'running',
  ...extra,
});

describe('dependency graph (amazon-ecs-agent agent/engine/dependencygraph/graph.go)', () => {
  test('StartTimeout: from the first start, strictly after it, for SUCCESS, COMPLETE and HEALTHY only', () => {
    expect(hasTimedOut(dep(), 'HEALTHY', T0 + 30_000)).toBe(false);
    expect(hasTimedOut(dep(), 'HEALTHY', T0 + 30_001)).toBe(true);
    expect(hasTimedOut(dep(), 'SUCCESS', T0 + 30_001)).toBe(true);
    expect(hasTimedOut(dep(), 'COMPLETE', T0 + 30_001)).toBe(true);
    expect(hasTimedOut(dep(), 'START', T0 + 30_001)).toBe(false);
  });

  test('no StartTimeout, or not started yet: no timeout', () => {
    expect(hasTimedOut(dep({ startTimeoutS: undefined }), 'HEALTHY', T0 + 1e12)).toBe(false);
    expect(hasTimedOut(dep({ startTimeoutS: 0 }), 'HEALTHY', T0 + 1e12)).toBe(false);
    expect(hasTimedOut(dep({ started: false, firstStartedAt: undefined, state: 'not started' }), 'HEALTHY', T0 + 1e12)).toBe(false);
  });

  test('a stopped dependency cannot time out: it waits (a restart may still make it HEALTHY)', () => {
    const r = resolveDependency(dep({ stopped: true, exitCode: 1, health: 'UNHEALTHY', state: 'exited' }), 'HEALTHY', T0 + 1e9);
    expect(r).toEqual({
      kind: 'waiting',
      why: 'app is exited with code 1, health UNHEALTHY; the ECS agent keeps waiting for it to be HEALTHY (a stopped dependency cannot time out; a restart could still make it HEALTHY)',
      stalled: true,
    });
  });

  test('terminal errors: SUCCESS after a non-zero exit, a dependency that will never start, HEALTHY without a check', () => {
    expect(resolveDependency(dep({ stopped: true, exitCode: 2, state: 'exited' }), 'SUCCESS', T0).kind).toBe('never');
    expect(resolveDependency(dep({ stopped: true, exitCode: 2, state: 'exited' }), 'COMPLETE', T0).kind).toBe('resolved');
    expect(resolveDependency(dep({ started: false, willNotStart: true, state: 'not started' }), 'START', T0)).toEqual({
      kind: 'never',
      why: 'app will never start',
    });
    expect(resolveDependency(dep({ hasHealthCheck: false, health: 'NONE' }), 'HEALTHY', T0).kind).toBe('never');
  });

  test('conditions met', () => {
    expect(resolveDependency(dep(), 'START', T0 + 1e9).kind).toBe('resolved');
    expect(resolveDependency(dep({ stopped: true, exitCode: 0, state: 'exited' }), 'START', T0).kind).toBe('resolved');
    expect(resolveDependency(dep({ stopped: true, exitCode: 0, state: 'exited' }), 'SUCCESS', T0).kind).toBe('resolved');
    expect(resolveDependency(dep({ health: 'HEALTHY' }), 'HEALTHY', T0).kind).toBe('resolved');
    expect(resolveDependency(dep({ health: 'HEALTHY' }), 'HEALTHY', T0 + 30_001).kind).toBe('never');
    expect(resolveDependency(dep({ started: false, firstStartedAt: undefined, state: 'not started' }), 'START', T0).kind).toBe('waiting');
  });
});
