/**
 * The `service.deploymentStrategy` settings at synth: impossible combinations are refused with one
 * line naming the setting, the value and what is allowed; the bounds of every value the schema
 * accepts synthesize (aws-cdk-lib has its own checks on traffic shares and waits: none may fire).
 */
import { validateConfig } from '../lib/config/validate-config';
import { DEPLOYMENT_STRATEGIES } from '../lib/constructs/deployment-strategy';
import { problemsOf } from './helpers/config-problems';
import { synth } from './helpers/synth';

const twoTasks = { desiredCount: 2, minTasks: 2, maxTasks: 2 };

describe.each(['canary', 'linear'] as const)('%s', (strategy) => {
  test('needs two tasks at least (service.minTasks)', () => {
    expect(problemsOf(() => validateConfig({ service: { deploymentStrategy: strategy } }))).toEqual([
      `service.minTasks: received 1 with service.deploymentStrategy "${strategy}"; expected at least 2 (a share of the traffic served by one task ` +
        'judges the revision on that one task: one restart or slow host rolls back a good revision), or service.deploymentStrategy "rolling" or "blue-green"',
    ]);
    expect(() => validateConfig({ service: { deploymentStrategy: strategy, ...twoTasks } })).not.toThrow();
  });
});

test('blue-green runs with one task', () => {
  expect(() => validateConfig({ service: { deploymentStrategy: 'blue-green' } })).not.toThrow();
});

test.each(['blue-green', 'canary', 'linear'] as const)('%s with a regional NAT gateway is refused: the test listener needs the NAT addresses', (strategy) => {
  expect(problemsOf(() => validateConfig({ network: { natAvailabilityMode: 'regional' }, service: { deploymentStrategy: strategy, ...twoTasks } }))).toEqual([
    `network.natAvailabilityMode: received "regional" with service.deploymentStrategy "${strategy}"; expected "zonal": the test listener admits only ` +
      "the NAT gateways' Elastic IPs, which the stack must know, and a regional NAT gateway in automatic mode allocates its addresses at deploy time " +
      '(or use service.deploymentStrategy "rolling")',
  ]);
});

test('the hosts must hold two full revisions: the sizing check names the strategy', () => {
  // t3.small: 3 ENIs, 2 awsvpc tasks per instance; 2 instances hold 4 tasks, and 3 tasks twice over are 6.
  expect(problemsOf(() => validateConfig({ service: { deploymentStrategy: 'blue-green', maxTasks: 3 }, hosts: { maxInstances: 2 } }))).toEqual([
    'service.maxTasks: received 3; a blue-green deployment (service.deploymentStrategy) runs two full revisions, up to 6 tasks, ' +
      'but hosts.maxInstances × tasks per instance = 2 × 2 = 4 (t3.small has 3 ENIs per instance, the primary ENI counts, so 2 awsvpc tasks per instance); ' +
      'expected service.maxTasks at most 2, or more hosts.maxInstances or a larger hosts.instanceType',
  ]);
  expect(() => validateConfig({ service: { deploymentStrategy: 'blue-green', maxTasks: 3 }, hosts: { maxInstances: 3 } })).not.toThrow();
});

test.each([
  [{ deploymentStrategy: 'bluegreen' }, 'service.deploymentStrategy: received "bluegreen"; expected "rolling" or "blue-green" or "canary" or "linear"'],
  [{ canaryPercent: 0.5 }, 'service.canaryPercent: received 0.5; expected an integer from 1 to 100'],
  [{ linearStepPercent: 2 }, 'service.linearStepPercent: received 2; expected an integer from 3 to 100'],
  [{ bakeTimeMinutes: 1441 }, 'service.bakeTimeMinutes: received 1441; expected an integer from 0 to 1440'],
  [{ canaryBakeTimeMinutes: -1 }, 'service.canaryBakeTimeMinutes: received -1; expected an integer from 0 to 1440'],
  [{ linearStepBakeTimeMinutes: 1.5 }, 'service.linearStepBakeTimeMinutes: received 1.5; expected an integer from 0 to 1440'],
])('%j is refused in one line', (service, line) => {
  expect(problemsOf(() => validateConfig({ service }))).toEqual([line]);
});

test('the schema offers exactly the strategies the stack builds', () => {
  expect(DEPLOYMENT_STRATEGIES).toEqual(['rolling', 'blue-green', 'canary', 'linear']);
});

// The bounds of every accepted value synthesize: aws-cdk-lib refuses a canary share under 0.1, a
// linear step under 3, a share that is not a multiple of 0.1 and waits over 1440 minutes.
test.each([
  ['canary', { canaryPercent: 1, canaryBakeTimeMinutes: 0, bakeTimeMinutes: 1440 }],
  ['canary', { canaryPercent: 100, canaryBakeTimeMinutes: 1440, bakeTimeMinutes: 0 }],
  ['linear', { linearStepPercent: 3, linearStepBakeTimeMinutes: 1440 }],
  ['linear', { linearStepPercent: 100, linearStepBakeTimeMinutes: 0 }],
] as const)('%s with %j synthesizes', (strategy, settings) => {
  expect(() => synth({ service: { deploymentStrategy: strategy, ...twoTasks, ...settings } })).not.toThrow();
});
