import { ConfigError, validateConfig } from '../lib/config/validate-config';
import { networkInterfacesOf } from '../lib/config/instance-network-interfaces';
import { SERVICE_DEPLOYMENT_MAXIMUM_PERCENT } from '../lib/constructs/web-service';

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

describe('placement by CPU and memory: the default task on the default host', () => {
  // ECS places a task only where the instance's unreserved CPU units and memory hold its task.cpu and
  // memory; an instance registers 1024 units per vCPU (t3.small: 2 vCPUs, 2048 units).
  const T3_SMALL = { cpuUnits: 2 * 1024, memoryMiB: 2048 };
  test('two default tasks (the awsvpc tasks one t3.small holds, ENIs - 1) fit its CPU units exactly, and its memory with 1 GiB to spare', () => {
    const c = validateConfig({});
    const perInstance = networkInterfacesOf(c.hosts.instanceType)! - 1;
    expect([c.hosts.instanceType, perInstance]).toEqual(['t3.small', 2]);
    expect(perInstance * c.task.cpu).toBeLessThanOrEqual(T3_SMALL.cpuUnits);
    expect(perInstance * c.task.memoryMiB).toBeLessThanOrEqual(T3_SMALL.memoryMiB - 1024);
    // desired 1 plus a 200% deployment is 2 tasks: one instance's worth.
    expect(Math.floor((c.service.desiredCount * SERVICE_DEPLOYMENT_MAXIMUM_PERCENT) / 100)).toBeLessThanOrEqual(perInstance);
  });
});
