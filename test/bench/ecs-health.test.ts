import { ecsSecondsToHealthy, type HealthModelContainer } from '../../bench/ecs-health';

const health = (intervalS: number, startPeriodS = 15) => ({ test: ['CMD', '/h'], intervalS, timeoutS: 5, retries: 3, startPeriodS });
const app = (intervalS: number): HealthModelContainer => ({ name: 'app', essential: true, dependsOn: [], health: health(intervalS) });
const proxy = (intervalS: number, condition: 'START' | 'HEALTHY'): HealthModelContainer => ({
  name: 'proxy',
  essential: true,
  dependsOn: [{ container: 'app', condition }],
  health: health(intervalS),
});

test('HEALTHY chains the waits: the proxy starts one app Interval in and turns HEALTHY one proxy Interval later', () => {
  expect(ecsSecondsToHealthy([app(30), proxy(30, 'HEALTHY')])).toEqual({
    containers: [
      { name: 'app', intervalS: 30, startPeriodS: 15, retries: 3 },
      { name: 'proxy', intervalS: 30, startPeriodS: 15, retries: 3 },
    ],
    secondsToHealthy: 60,
    dependsOn: ['proxy waits for app HEALTHY'],
  });
});

test('START runs the waits side by side: the longest Interval decides; a start period does not bring the first probe forward', () => {
  expect(ecsSecondsToHealthy([app(10), proxy(11, 'START')]).secondsToHealthy).toBe(11);
  expect(ecsSecondsToHealthy([{ ...app(10), health: health(10, 0) }]).secondsToHealthy).toBe(10);
});

test('containers without a health check or not essential do not hold the task back', () => {
  const sidecar: HealthModelContainer = { name: 'side', essential: false, dependsOn: [], health: health(300) };
  const bare: HealthModelContainer = { name: 'bare', essential: true, dependsOn: [], health: undefined };
  expect(ecsSecondsToHealthy([app(10), sidecar, bare]).secondsToHealthy).toBe(10);
});

test('conditions and names outside the model fail naming them', () => {
  expect(() => ecsSecondsToHealthy([app(10), { ...proxy(10, 'START'), dependsOn: [{ container: 'app', condition: 'COMPLETE' }] }])).toThrow(
    'proxy waits for app COMPLETE: the model covers START and HEALTHY only',
  );
  expect(() => ecsSecondsToHealthy([proxy(10, 'START')])).toThrow('dependsOn names app, which is not a container of the task');
  const a: HealthModelContainer = { ...app(10), dependsOn: [{ container: 'proxy', condition: 'START' }] };
  expect(() => ecsSecondsToHealthy([a, proxy(10, 'START')])).toThrow('dependsOn has a cycle');
});
