import { capacityPerVcpuGoal, crashRecoveryGoal, ecsHealthGoal, startupGoal } from '../../bench/goals';

describe('cached start goal: first 200 <= 5 s and HEALTHY <= 15 s', () => {
  const runs = (...pairs: [number, number][]) => ({
    command: 'secure-ecs local up --detach',
    runs: pairs.map(([servingMs, healthyMs]) => ({ servingMs, healthyMs })),
  });
  test('not measured when the run has no start-up timings', () => {
    expect(startupGoal(undefined)).toMatchObject({ met: false, notMeasured: true, result: 'not measured in this run' });
    expect(startupGoal(runs()).notMeasured).toBe(true);
  });
  test('met by the medians; a single slow run is named', () => {
    expect(startupGoal(runs([3000, 9000], [4000, 10000], [3500, 9500]))).toMatchObject({ met: true, reason: undefined });
    const g = startupGoal(runs([3000, 9000], [6000, 10000], [3500, 9500]));
    expect(g.met).toBe(true);
    expect(g.reason).toBe('Met by the medians, but 1 of 6 times alone would miss it.');
    expect(g.result).toBe('3.5 s / 9.5 s (medians of 3; first 200 3.00–6.00 s, HEALTHY 9.00–10.00 s)');
  });
  test('missed on either side, each named', () => {
    expect(startupGoal(runs([33000, 63000])).reason).toBe('the first 200 came after 33.0 s (goal 5 s); every container was HEALTHY after 63.0 s (goal 15 s)');
    expect(startupGoal(runs([4000, 16000])).reason).toBe('every container was HEALTHY after 16.0 s (goal 15 s)');
  });
});

describe('ECS time to HEALTHY from the template', () => {
  const ecs = (secondsToHealthy: number) => ({
    containers: [
      { name: 'app', intervalS: 5, startPeriodS: 10, retries: 3 },
      { name: 'proxy', intervalS: 5, startPeriodS: 10, retries: 3 },
    ],
    secondsToHealthy,
    dependsOn: 'proxy waits for app START',
  });
  test('not measured without the template settings', () => {
    expect(ecsHealthGoal(undefined)).toMatchObject({ notMeasured: true, result: 'not measured in this run' });
  });
  test('met at 15 s, missed above, with the settings in the result', () => {
    expect(ecsHealthGoal(ecs(15))).toMatchObject({
      met: true,
      result: '15 s (app: interval 5 s, start period 10 s, retries 3; proxy: interval 5 s, start period 10 s, retries 3; proxy waits for app START)',
    });
    expect(ecsHealthGoal(ecs(60)).met).toBe(false);
    expect(ecsHealthGoal(ecs(60)).reason).toContain('first probe one interval after it starts');
  });
});

describe('crash recovery goal: serving again <= 15 s', () => {
  test('not measured without runs', () => {
    expect(crashRecoveryGoal(undefined)).toMatchObject({ notMeasured: true, result: 'not measured in this run' });
  });
  test('median of the runs, with HEALTHY again when measured', () => {
    const g = crashRecoveryGoal({
      how: 'kill -9 of php-fpm master (OOM)',
      runs: [{ servingAgainMs: 4000, healthyAgainMs: 9000 }, { servingAgainMs: 6000 }, { servingAgainMs: 5000 }],
    });
    expect(g).toMatchObject({ met: true, result: '5.0 s (median of 3: 4.0 s, 6.0 s, 5.0 s; HEALTHY again 9.0 s; kill -9 of php-fpm master (OOM))' });
    expect(crashRecoveryGoal({ how: 'x', runs: [{ servingAgainMs: 33000 }] }).met).toBe(false);
  });
});

describe('capacity per task vCPU', () => {
  test('scales the baseline (610 req/s at 0.25 vCPU) with task.cpu', () => {
    expect(capacityPerVcpuGoal(660, 0.25)).toMatchObject({
      met: true,
      result: '2640 req/s per vCPU (660 req/s at 0.25 vCPU)',
      goal: '>= 2440 (610 req/s at 0.25 vCPU)',
    });
    expect(capacityPerVcpuGoal(1000, 0.5)).toMatchObject({ met: false, reason: 'the task serves 18.0% less per vCPU than the baseline' });
  });
});
