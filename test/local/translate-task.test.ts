import { synth } from '../helpers/synth';
import { hostLimits, parseTaskCpu, parseTaskMemoryMiB, startOrder, translateTask, type TaskContext } from '../../lib/local/translate/task';
import type { TaskSpec } from '../../lib/local/spec';
import { translateContainer } from '../../lib/local/translate/container';

const base: Omit<TaskContext, 'images'> = { taskName: 'task', labelKey: 'secure-ecs.local' };
const image = { ref: 'localhost/i:1', origin: 'test' };

function taskProps(): Record<string, any> {
  const defs = synth().template.findResources('AWS::ECS::TaskDefinition');
  return Object.values(defs)[0].Properties;
}

describe('translateTask on the synthesized task definition', () => {
  const props = taskProps();
  const images = Object.fromEntries(props.ContainerDefinitions.map((d: any) => [d.Name, image]));
  const t = translateTask(props, { ...base, images, hostPorts: { 8080: 18080 } });

  test('task CPU and memory become the task cgroup limits', () => {
    expect(t.task).toMatchObject({ cpuUnits: Number(props.Cpu), memoryMiB: Number(props.Memory) });
  });

  test('awsvpc: the task shares only the network namespace', () => {
    expect(props.NetworkMode).toBe('awsvpc');
    expect(t.task.share).toEqual([]);
  });

  test('the task publishes exactly the mapped ports, on loopback', () => {
    expect(t.task.publish).toEqual([{ hostIp: '127.0.0.1', hostPort: 18080, containerPort: 8080, protocol: 'tcp' }]);
  });

  test('dependencies start first', () => {
    expect(t.containers.map((c) => c.name)).toEqual(['app', 'proxy']);
  });

  test('every task-level field is reported; roles are listed as not honoured', () => {
    const reported = new Set(t.fields.filter((f) => f.path.startsWith('task.')).map((f) => f.path.slice(5)));
    // Volumes are reported one by one (task.Volumes.<name>): the FastCGI socket's in the default task.
    const reportedKeys = new Set([...reported].map((p) => p.split('.')[0]));
    for (const key of Object.keys(props).filter((k) => k !== 'ContainerDefinitions')) expect(reportedKeys).toContain(key);
    expect(reported).toContain('Volumes.fcgi-socket');
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'task.TaskRoleArn', outcome: 'not-honoured' }));
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'task.ExecutionRoleArn', outcome: 'not-honoured' }));
  });
});

describe("the hosts' ECS_TASK_PIDS_LIMIT", () => {
  const task = (): TaskSpec => ({ name: 't', labels: {}, share: [], publish: [], sysctls: {}, dns: [], dnsSearch: [], extraHosts: [] });
  test('a valid value becomes the task PIDs limit, reported as honoured', () => {
    const t = task();
    expect(hostLimits({ settings: { ECS_TASK_PIDS_LIMIT: '256' }, conflicting: [] }, t)).toEqual([
      expect.objectContaining({ path: 'host.ECS_TASK_PIDS_LIMIT', outcome: 'honoured' }),
    ]);
    expect(t.pidsLimit).toBe(256);
  });
  test.each(['0', '4194305', 'many', '1.5', ''])('%j is ignored, as the agent ignores it, and reported', (v) => {
    const t = task();
    const [f] = hostLimits({ settings: { ECS_TASK_PIDS_LIMIT: v }, conflicting: [] }, t);
    expect(f).toMatchObject({ path: 'host.ECS_TASK_PIDS_LIMIT', outcome: 'not-honoured' });
    expect(f.detail).toContain(JSON.stringify(v));
    expect(t.pidsLimit).toBeUndefined();
  });
  test('unset: no limit and nothing to report; conflicting hosts: reported', () => {
    expect(hostLimits({ settings: {}, conflicting: [] }, task())).toEqual([]);
    expect(hostLimits({ settings: {}, conflicting: ['ECS_TASK_PIDS_LIMIT'] }, task())[0]).toMatchObject({ outcome: 'not-honoured' });
  });
});

describe('translateTask details', () => {
  const def = (name: string, dependsOn: string[] = []) => ({
    Name: name,
    Image: 'i',
    DependsOn: dependsOn.map((d) => ({ ContainerName: d, Condition: 'START' })),
  });

  test('an unknown task field is listed as not honoured', () => {
    const t = translateTask({ ContainerDefinitions: [def('a')], NewTaskThing: 1 }, { ...base, images: { a: image } });
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'task.NewTaskThing', outcome: 'not-honoured' }));
  });

  test('PidMode task shares the PID namespace in the task; host is never shared', () => {
    const share = (pidMode: string) => {
      const t = translateTask({ ContainerDefinitions: [def('a')], PidMode: pidMode }, { ...base, images: { a: image } });
      return t.task.share;
    };
    expect(share('task')).toEqual(['pid']);
    expect(share('host')).toEqual([]);
  });

  test('fails on a dependency cycle or an unknown dependency', () => {
    const ctx = { ...base, labelKey: 'l', image };
    expect(() => startOrder([translateContainer(def('a', ['b']), ctx), translateContainer(def('b', ['a']), ctx)])).toThrow(/cycle: a -> b -> a/);
    expect(() => startOrder([translateContainer(def('a', ['zz']), ctx)])).toThrow(/depends on zz, which is not in the task definition/);
  });

  test('CPU and memory in every form CloudFormation accepts', () => {
    expect(parseTaskCpu('256')).toBe(256);
    expect(parseTaskCpu(512)).toBe(512);
    expect(parseTaskCpu('0.25 vCPU')).toBe(256);
    expect(parseTaskCpu('1 vcpu')).toBe(1024);
    expect(parseTaskMemoryMiB('512')).toBe(512);
    expect(parseTaskMemoryMiB('1 GB')).toBe(1024);
    expect(parseTaskMemoryMiB('lots')).toBeUndefined();
  });
});
