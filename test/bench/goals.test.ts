import { capacityGoal, cpuFloorGoal, hardeningGoals, openLoopGoal, straddles } from '../../bench/goals';

describe('hardening goals compare hardened and unhardened at the same task limits', () => {
  test('met when the ratios are inside the goals', () => {
    const [tput, p99] = hardeningGoals({ rps: 960, p99: 89 }, { rps: 1000, p99: 88 }, [0.96, 0.97]);
    expect(tput).toMatchObject({ met: true, goal: '>= 0.95' });
    expect(tput.result).toMatch(/^0\.96 \(hardened 960 req\/s vs unhardened 1000 req\/s/);
    expect(p99).toMatchObject({ met: true, goal: '<= 1.1x' });
  });
  test('missed when the hardening costs throughput or tail latency', () => {
    const [tput, p99] = hardeningGoals({ rps: 900, p99: 120 }, { rps: 1000, p99: 100 }, [0.9]);
    expect(tput.met).toBe(false);
    expect(tput.reason).toContain('10.0% of the throughput');
    expect(p99.met).toBe(false);
  });
  test('a met median with a round below the goal says so', () => {
    const [tput] = hardeningGoals({ rps: 990, p99: 1 }, { rps: 1000, p99: 1 }, [0.9, 1.0, 1.02]);
    expect(tput.met).toBe(true);
    expect(tput.reason).toContain('1 of 3 rounds');
  });
});

describe('open-loop goal', () => {
  const level = (fraction: number, p99Ms: number, rounds = [p99Ms]) => ({ fraction, ratePerS: fraction * 600, p99Ms, p99PerRoundMs: rounds });
  test('met only if every named level is at or under the limit', () => {
    expect(openLoopGoal([level(0.25, 4), level(0.5, 10), level(0.75, 80)], [0.25, 0.5], 10).met).toBe(true);
    expect(openLoopGoal([level(0.25, 4), level(0.5, 10.5)], [0.25, 0.5], 10).met).toBe(false);
  });
  test('names a round that alone would miss', () => {
    expect(openLoopGoal([level(0.25, 4, [3, 30, 4]), level(0.5, 5)], [0.25, 0.5], 10).reason).toContain('30.00 ms');
  });
  test('a missing level is not measured, which is not met, and names what was measured', () => {
    const g = openLoopGoal([level(0.25, 4)], [0.25, 0.5, 0.75], 10);
    expect(g).toMatchObject({ met: false, name: 'Open loop: p99 at 25%, 50% and 75% of capacity' });
    expect(g.result).toContain('not measured at 50% and 75% (measured: 25%)');
    expect(g.reason).toBe('not measured at 50% and 75% (measured: 25%)');
  });
});

describe('capacity goal', () => {
  test('within 5% of before, or better', () => {
    expect(capacityGoal(960, 1000, [0.96]).met).toBe(true);
    expect(capacityGoal(1100, 1000, [1.1]).met).toBe(true);
    expect(capacityGoal(940, 1000, [0.94]).met).toBe(false);
  });
});

describe('CPU floor goal', () => {
  test('ratio to the sum of the two floors', () => {
    const g = cpuFloorGoal({ taskUsPerRequest: 260, floors: { nginxUs: 100, phpFpmUs: 100 } });
    expect(g).toMatchObject({ met: true, result: '1.30x (260 µs vs 100 + 100 µs)' });
    expect(cpuFloorGoal({ taskUsPerRequest: 261, floors: { nginxUs: 100, phpFpmUs: 100 } }).met).toBe(false);
  });
  test('not met, and says which floor is missing, when a floor was not measured', () => {
    const g = cpuFloorGoal({ taskUsPerRequest: 300, floors: { nginxUs: 100 } });
    expect(g.met).toBe(false);
    expect(g.reason).toBe('not measured in this run: php-fpm over FastCGI');
  });
});

test('straddles: undefined when every round meets the goal', () => {
  expect(straddles([1, 1.1], 0.95, 'median')).toBeUndefined();
  expect(straddles([0.3, 0.5], 0.4, 'mean', true)).toContain('1 of 2 rounds');
});

test('CPU floor goal: a miss names each container against its floor', () => {
  const g = cpuFloorGoal({ taskUsPerRequest: 380, floors: { nginxUs: 22, phpFpmUs: 160 }, containers: { proxyUs: 120, appUs: 190 } });
  expect(g.met).toBe(false);
  expect(g.reason).toContain('the proxy container spends 120 µs per proxied request against 22 µs');
  expect(g.reason).toContain('the app 190 µs against 160 µs');
});

test("CPU floor goal: the floors at the task's rate are reported beside the verdict, which they do not change", () => {
  const atTaskRate = { ratePerS: 9000, nginxUs: 20, phpFpmUs: 70 };
  const within = cpuFloorGoal({ taskUsPerRequest: 110, floors: { nginxUs: 8, phpFpmUs: 58 }, atTaskRate });
  expect(within.met).toBe(false);
  expect(within.result).toBe("1.67x (110 µs vs 8 + 58 µs); 1.22x of the floors at the task's rate (20 + 70 µs)");
  expect(within.reason).toBe(
    "measured again open loop at the task's saturation rate (9000 req/s), the floors cost 20 + 70 µs and the task 1.22x of them: " +
      "within 1.3x, so what misses is the floors' batching at their own rates, not the hop (the goal is judged against the floors at their own saturation)",
  );
  const over = cpuFloorGoal({
    taskUsPerRequest: 110,
    floors: { nginxUs: 8, phpFpmUs: 58 },
    atTaskRate: { ...atTaskRate, phpFpmUs: 60 },
    containers: { proxyUs: 36, appUs: 74 },
  });
  expect(over.reason).toMatch(
    /^the proxy container spends 36 µs[^]*\. Measured again open loop[^]*1\.38x of them: over 1\.3x at the same rate too, so the hop itself/,
  );
  // A met goal gives no reason, whatever the floors at the task's rate say.
  expect(cpuFloorGoal({ taskUsPerRequest: 80, floors: { nginxUs: 8, phpFpmUs: 58 }, atTaskRate }).reason).toBeUndefined();
});

test('open-loop miss: the reason tells a probe stall from throttling without probes', () => {
  const l = (fraction: number, p99Ms: number) => ({ fraction, ratePerS: 100, p99Ms, p99PerRoundMs: [p99Ms] });
  expect(openLoopGoal([l(0.25, 4), l(0.5, 20)], [0.25, 0.5], 10, [l(0.25, 3), l(0.5, 3)]).reason).toContain("the miss is the probes' stall");
  expect(openLoopGoal([l(0.25, 4), l(0.5, 20)], [0.25, 0.5], 10, [l(0.25, 3), l(0.5, 25)]).reason).toContain('the quota itself throttles at this load');
});

test('a level missed while the machine itself was saturated (host idle near 0, task rarely throttled) is blamed on the machine, not the quota', () => {
  const level = (fraction: number, p99Ms: number, hostIdlePct: number, throttledPct: number) => ({
    fraction,
    ratePerS: 100,
    p99Ms,
    p99PerRoundMs: [p99Ms],
    hostIdlePct,
    throttledPct,
  });
  const g = openLoopGoal([level(0.25, 5, 40, 0), level(0.5, 30, 3, 0), level(0.75, 900, 1, 60)], [0.25, 0.5, 0.75], 10);
  expect(g.met).toBe(false);
  expect(g.reason).toContain('at 50% the machine itself was saturated (host idle 3%, the task throttled in only 0.0% of its periods)');
  // Throttled often: the quota is a cause, so the machine is not named for 75%.
  expect(g.reason).not.toContain('at 75% the machine');
});

test('CPU floor goal: a miss says each figure was measured at its own saturation rate', () => {
  const g = cpuFloorGoal({
    taskUsPerRequest: 182,
    floors: { nginxUs: 13, phpFpmUs: 107 },
    containers: { proxyUs: 66, appUs: 146 },
    rates: { taskRps: 5473, nginxRps: 57789, phpFpmRps: 9000 },
  });
  expect(g.reason).toContain("the task at 5473 req/s, nginx's `return 200` at 57789 req/s and php-fpm at 9000 req/s");
  expect(
    cpuFloorGoal({ taskUsPerRequest: 150, floors: { nginxUs: 13, phpFpmUs: 107 }, rates: { taskRps: 1, nginxRps: 2, phpFpmRps: 3 } }).reason,
  ).toBeUndefined();
});

test('open-loop miss at the quota edge: the reason gives the share of the vCPUs the load used', () => {
  const l = (fraction: number, p99Ms: number, quotaUsedPct?: number) => ({
    fraction,
    ratePerS: 100,
    p99Ms,
    p99PerRoundMs: [p99Ms],
    throttledPct: 32.1,
    hostIdlePct: 32,
    quotaUsedPct,
  });
  const edge = openLoopGoal([l(0.75, 24, 96)], [0.75], 10, [l(0.75, 21)]).reason;
  expect(edge).toContain("the load used 96% of the task's vCPUs there, 32.1% of its periods throttled: this level is at the quota's edge");
  const below = openLoopGoal([l(0.75, 24, 70)], [0.75], 10, [l(0.75, 21)]).reason;
  expect(below).toContain('the quota itself throttles');
  expect(below).not.toContain("quota's edge");
});

test('open-loop miss where the no-probe twin also missed but was rarely throttled: the cores, not the quota (the podman run of 2026-12-06 23:57 at 50%)', () => {
  const l = (p99Ms: number, throttledPct: number, quotaUsedPct?: number) => ({
    fraction: 0.5,
    ratePerS: 4170,
    p99Ms,
    p99PerRoundMs: [p99Ms],
    throttledPct,
    hostIdlePct: 48,
    quotaUsedPct,
  });
  const rare = openLoopGoal([l(19.35, 0.5, 71)], [0.5], 10, [l(10.32, 0.2)]).reason;
  expect(rare).toContain('also reached 10.32 ms (rounds 10.32) with only 0.2% of its periods throttled: not the quota');
  expect(rare).not.toContain('the quota itself throttles');
  // Throttled often, or at the quota's edge: still the quota.
  expect(openLoopGoal([l(19.35, 0.5, 71)], [0.5], 10, [l(10.32, 12.3)]).reason).toContain('the quota itself throttles');
  expect(openLoopGoal([l(19.35, 12.8, 93)], [0.5], 10, [l(10.32, 0.2)]).reason).toContain(
    'the quota itself throttles at this load here, not only the probes (the load used 93%',
  );
});
