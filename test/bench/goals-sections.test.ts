import { featuresGoal, imageSizeGoals, limiterFairnessGoal, limiterNo5xxGoal, limiterPrecisionGoal, synthGoal } from '../../bench/goals';
import type { PacedResult } from '../../bench/paced';
import type { LimiterLevel } from '../../bench/results';

describe('proxy features goal: on / off throughput at least 0.97', () => {
  const cost = (rps: number, proxy: number, app: number) => ({
    rps,
    p99: 90,
    cpuUsPerReq: proxy + app + 10,
    containerUsPerReq: { app, proxy },
    spreadPct: 4,
  });
  const task = { vcpu: 0.25, proxy: 'proxy' };
  test('met at the goal', () => {
    expect(featuresGoal(cost(970, 60, 300), cost(1000, 55, 300), [0.97], task)).toMatchObject({ met: true, reason: undefined });
  });
  test('a miss where nginx carries the difference says so', () => {
    const g = featuresGoal(cost(900, 100, 300), cost(1000, 60, 300), [0.9, 0.91], task);
    expect(g.met).toBe(false);
    expect(g.reason).toContain('Measured cost -10.0% of the throughput');
    expect(g.reason).toContain('proxy 100 vs 60 µs');
    expect(g.reason).toContain('and the difference is in nginx (proxy)');
  });
  test('a miss with the difference outside nginx blames the machine, not the config', () => {
    const g = featuresGoal(cost(900, 61, 340), cost(1000, 60, 300), [0.9], task);
    expect(g.reason).toContain('only 1 µs of the 41 µs difference is in nginx');
  });
});

const paced = (sent: number, ok: number, extra: Partial<PacedResult> = {}): PacedResult => ({
  client: '198.18.0.1',
  ratePerS: sent,
  sent,
  spanS: 2,
  byStatus: { 200: ok, 429: sent - ok },
  ok,
  limited: sent - ok,
  serverErrors: 0,
  networkErrors: 0,
  limitedWithoutRetryAfter: 0,
  late: 0,
  maxLagMs: 1,
  latency: { count: sent, p50Ms: 1, p90Ms: 1, p99Ms: 1, maxMs: 1, meanMs: 1 },
  ...extra,
});
const level = (multiple: number, deviationPct: number, second = paced(10, 10), flood = paced(200, 40)): LimiterLevel => ({
  multiple,
  offeredPerS: multiple * 10,
  flood,
  second,
  expected: 40,
  deviationPct,
});

describe('limiter goals', () => {
  test('precision: the worst level within ±5%', () => {
    expect(limiterPrecisionGoal([level(1, 0), level(10, -4.9)], 10)).toMatchObject({ met: true, result: 'worst -4.9% at 10x' });
    const miss = limiterPrecisionGoal([level(1, 0), level(20, 7.5, undefined, paced(400, 43, { late: 12, maxLagMs: 30 }))], 10);
    expect(miss.met).toBe(false);
    expect(miss.reason).toContain('20x: 43 accepted vs 40 expected');
    expect(miss.reason).toContain('12 of 400 sends left more than 5 ms late (max 30 ms)');
    expect(miss.reason).toContain('one every 100 ms');
  });
  test('no 5xx counts both clients', () => {
    expect(limiterNo5xxGoal([level(1, 0)])).toMatchObject({ met: true, result: '0 5xx, 0 network errors' });
    const g = limiterNo5xxGoal([level(1, 0, paced(10, 9, { serverErrors: 1 }), paced(200, 40, { serverErrors: 2, networkErrors: 3 }))]);
    expect(g).toMatchObject({ met: false, result: '3 5xx, 3 network errors' });
  });
  test('fairness: the second client at 99% or more at every level', () => {
    expect(limiterFairnessGoal([level(1, 0), level(10, 0, paced(100, 99))])).toMatchObject({ met: true, result: '99.0% (lowest level)' });
    const g = limiterFairnessGoal([level(1, 0), level(10, 0, paced(100, 90))]);
    expect(g.met).toBe(false);
    expect(g.reason).toBe('10x: {"200":90,"429":10}, 0 network errors');
  });
});

describe('synth goal: tsx at most 0.4x of ts-node', () => {
  const run = (name: string, timesS: number[]) => ({ name, command: name, timesS });
  test('met by the mean', () => {
    expect(synthGoal(run('tsx', [4, 4]), run('ts-node', [10, 10]))).toMatchObject({ met: true, result: expect.stringMatching(/^0\.40x/) });
  });
  test('a miss explained by the precompiled floor', () => {
    const g = synthGoal(run('tsx', [10, 10]), run('ts-node', [16, 16]), run('js', [7, 7]));
    expect(g.met).toBe(false);
    expect(g.reason).toContain('takes 7.00 s, 0.44x of the ts-node time, so no TypeScript loader can reach 0.4x');
    expect(g.reason).toContain('tsx removes 67% of the loader time');
  });
  test('a miss without a floor says so', () => {
    expect(synthGoal(run('tsx', [10]), run('ts-node', [16])).reason).toBe('no floor measured');
  });
});

describe('image size goals', () => {
  const image = (container: string, bytes: number) => ({ container, bytes, ref: `localhost/${container}:x` });
  test('one goal per image with a limit, in MB', () => {
    const goals = imageSizeGoals([image('app', 110.8e6), image('proxy', 101e6), image('sidecar', 1)]);
    expect(goals.map((g) => [g.name, g.result, g.goal, g.met, g.reason])).toEqual([
      ['Image size: app', '110.8 MB', '<= 150 MB', true, undefined],
      ['Image size: proxy', '101.0 MB', '<= 100 MB', false, '1.0 MB over'],
    ]);
  });
});
