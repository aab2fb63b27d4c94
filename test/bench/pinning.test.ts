import { choosePinning, cpusAllowed, cpusetCgroupOf, cpusetMatches, engineCannotPin, formatCpuList, parseCpuList } from '../../bench/pinning';
import type { ContainerEngine, EngineCapabilities } from '../../lib/local/engines/container-engine';

describe('CPU lists in the kernel format', () => {
  test('parsed to sorted CPUs, ranges and single CPUs alike', () => {
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('5,0-2,2\n')).toEqual([0, 1, 2, 5]);
  });
  test('what is not a list is an error naming it', () => {
    for (const bad of ['a', '1-', '3-1', '0;1']) expect(() => parseCpuList(bad)).toThrow(`not a CPU list: ${JSON.stringify(bad)}`);
  });
  test('formatted with runs of consecutive CPUs as ranges, and back', () => {
    expect(formatCpuList([1])).toBe('1');
    expect(formatCpuList([3, 1, 2, 7, 5, 6, 9])).toBe('1-3,5-7,9');
    expect(formatCpuList(parseCpuList('0-3,8,10-11'))).toBe('0-3,8,10-11');
  });
});

describe('choosePinning', () => {
  const on = { pin: true };
  test('two or more CPUs: the first for the load, the rest for the tasks', () => {
    expect(choosePinning([0, 1], on)).toEqual({ loadCpus: '0', taskCpus: '1', allCpus: '0-1' });
    expect(choosePinning([3, 2, 5, 4], on)).toEqual({ loadCpus: '2', taskCpus: '3-5', allCpus: '2-5' });
    // An outer taskset or cpuset leaves gaps: the tasks get exactly what remains.
    expect(choosePinning([1, 3, 6], on)).toEqual({ loadCpus: '1', taskCpus: '3,6', allCpus: '1,3,6' });
  });
  test('nothing with one CPU, without --pin, or where the engine cannot pin, and says why', () => {
    expect(choosePinning([0], on)).toEqual({ off: '1 CPU available: nothing pinned (the task would get no CPU of its own)' });
    expect(choosePinning([0, 1], { ...on, pin: false })).toEqual({ off: 'no --pin: nothing pinned' });
    expect(choosePinning([0, 1, 2, 3], { ...on, engineCannot: 'the engine runs on another kernel' })).toEqual({
      off: 'the engine runs on another kernel: nothing pinned',
    });
  });
});

describe('engineCannotPin', () => {
  const engine = (remote: boolean, containerLimits: EngineCapabilities['containerLimits']) =>
    ({ info: { remote }, capabilities: { containerLimits } }) as unknown as Pick<ContainerEngine, 'info' | 'capabilities'>;
  test('a local engine that sets container limits can', () => {
    expect(engineCannotPin(engine(false, { honoured: true }))).toBeUndefined();
  });
  test('an engine on another kernel, or one that sets no limits here, cannot, and says why', () => {
    expect(engineCannotPin(engine(true, { honoured: true }))).toContain('another kernel');
    expect(engineCannotPin(engine(false, { notHonoured: 'rootless podman on cgroup v1 cannot set resource limits' }))).toBe(
      'the engine sets no container limits here (rootless podman on cgroup v1 cannot set resource limits)',
    );
  });
});

describe('reading a cpuset back', () => {
  test('Cpus_allowed_list out of /proc/<pid>/status', () => {
    expect(cpusAllowed('Name:\tnginx\nCpus_allowed:\t2\nCpus_allowed_list:\t1\nMems_allowed:\t1\n')).toBe('1');
    expect(cpusAllowed('Name:\tx\n')).toBeUndefined();
  });
  test('the cpuset cgroup out of /proc/<pid>/cgroup: the v1 cpuset line, or the v2 unified one', () => {
    const v1 = '12:pids:/secure-ecs/t/abc\n3:cpuset:/secure-ecs/t/abc\n2:cpu,cpuacct:/secure-ecs/t/abc\n1:name=systemd:/x\n0::/\n';
    expect(cpusetCgroupOf(v1, 1)).toBe('/secure-ecs/t/abc');
    expect(cpusetCgroupOf('0::/machine.slice/libpod-abc.scope\n', 2)).toBe('/machine.slice/libpod-abc.scope');
    expect(cpusetCgroupOf('2:cpu,cpuacct:/x\n', 1)).toBeUndefined();
  });
  test('matches only when the cgroup and the process both read the CPUs asked for', () => {
    expect(cpusetMatches({ cgroupCpus: '1', processCpus: '1' }, '1')).toBe(true);
    expect(cpusetMatches({ cgroupCpus: '1-3', processCpus: '1,2,3' }, '1-3')).toBe(true);
    expect(cpusetMatches({ cgroupCpus: '0-1', processCpus: '1' }, '1')).toBe(false);
    expect(cpusetMatches({ cgroupCpus: '1', processCpus: '0' }, '1')).toBe(false);
    expect(cpusetMatches({ cgroupCpus: '', processCpus: '1' }, '1')).toBe(false);
  });
});
