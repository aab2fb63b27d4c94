import { ConfigError, validateConfig } from '../lib/config/validate-config';

describe('sizing: awsvpc tasks per instance = ENIs - 1, at the deployment maximum percent', () => {
  test('the issue example is rejected, naming the settings and numbers', () => {
    const input = { service: { desiredCount: 4, minTasks: 4, maxTasks: 8 }, hosts: { maxInstances: 2 } };
    expect(() => validateConfig(input)).toThrow(ConfigError);
    expect(() => validateConfig(input)).toThrow(
      'service.maxTasks: received 8; a deployment at the deployment maximum percent (200) runs up to 16 tasks, ' +
        'but hosts.maxInstances × tasks per instance = 2 × 2 = 4 (t3.small has 3 ENIs per instance, the primary ENI counts, ' +
        'so 2 awsvpc tasks per instance); expected service.maxTasks at most 2',
    );
  });

  test('the defaults fit exactly (2 tasks at 200% on 2 × t3.small), and more instances make room', () => {
    expect(() => validateConfig({})).not.toThrow();
    expect(() => validateConfig({ service: { desiredCount: 4, minTasks: 4, maxTasks: 8 }, hosts: { maxInstances: 8 } })).not.toThrow();
    expect(() => validateConfig({ service: { maxTasks: 3 } })).toThrow(/service.maxTasks: received 3; .* runs up to 6 tasks/);
  });

  test('an instance type the project does not know is accepted with a warning, not guessed', () => {
    const warnings: string[] = [];
    validateConfig({ hosts: { instanceType: 'x2iedn.xlarge' }, service: { maxTasks: 50 } }, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining('the network interface count of x2iedn.xlarge is not known')]);
  });
});
