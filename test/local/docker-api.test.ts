/**
 * The Docker rendering of the synthesized task (pure: task definition in, Docker API bodies out):
 * every hardening field reaches the create body, in the ECS agent's awsvpc shape.
 */
import { dockerContainerBody, dockerPauseBody } from '../../lib/local/engines/docker/api';
import { taskCgroupLayout } from '../../lib/local/engines/task-cgroup';
import { translateTask } from '../../lib/local/translate/task';
import { synth } from '../helpers/synth';

const MiB = 1024 * 1024;
const props = Object.values(synth().template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
const defs: Record<string, any> = Object.fromEntries(props.ContainerDefinitions.map((d: any) => [d.Name, d]));
const images = Object.fromEntries(props.ContainerDefinitions.map((d: any) => [d.Name, { ref: `localhost/${d.Name}:1`, origin: 'test' }]));
const t = translateTask(props, { taskName: 'task', labelKey: 'secure-ecs.local', images, hostPorts: { 8080: 18080 } });
const cgroup = taskCgroupLayout('task', t.task, { version: 1, driver: 'cgroupfs' });

describe.each(Object.keys(defs))('%s: the create body carries the template', (name) => {
  const def = defs[name];
  const c = t.containers.find((x) => x.name === name)!;
  const body = dockerContainerBody(c.spec, t.task, cgroup, new Map());
  const hc = body.HostConfig;

  test('user, read-only root, capabilities, no-new-privileges, init, privileged', () => {
    expect(body.User).toBe(def.User);
    expect(hc.ReadonlyRootfs).toBe(def.ReadonlyRootFilesystem);
    expect(hc.CapDrop).toEqual(def.LinuxParameters.Capabilities.Drop);
    expect(hc.CapAdd).toEqual([]);
    expect(hc.SecurityOpt).toEqual(def.DockerSecurityOptions);
    expect(hc.Init).toBe(def.LinuxParameters.InitProcessEnabled);
    expect(hc.Privileged).toBe(def.Privileged);
  });

  test('memory, CPU shares, ulimits and tmpfs (empty, as Docker mounts it)', () => {
    expect(hc.Memory).toBe(def.Memory * MiB);
    expect(hc.CpuShares).toBe(def.Cpu);
    expect(hc.Ulimits).toEqual(def.Ulimits.map((u: any) => ({ Name: u.Name, Soft: u.SoftLimit, Hard: u.HardLimit })));
    expect(hc.Tmpfs).toEqual(
      Object.fromEntries(def.LinuxParameters.Tmpfs.map((m: any) => [m.ContainerPath, [...m.MountOptions, `size=${m.Size}m`].join(',')])),
    );
  });

  test("health check in nanoseconds, stop timeout, the engine's restart policy off (the runner applies ECS's)", () => {
    const h = def.HealthCheck;
    expect(body.Healthcheck).toEqual({
      Test: h.Command,
      Interval: h.Interval * 1e9,
      Timeout: h.Timeout * 1e9,
      Retries: h.Retries,
      StartPeriod: h.StartPeriod * 1e9,
    });
    expect(body.StopTimeout).toBe(def.StopTimeout);
    expect(hc.RestartPolicy).toEqual({ Name: 'no' });
  });

  test("joins the pause container's network namespace, beneath the task cgroup, labelled", () => {
    expect(hc.NetworkMode).toBe('container:task-pause');
    expect(hc.CgroupParent).toBe('/secure-ecs/task');
    expect(hc.PortBindings).toBeUndefined();
    expect(body.Labels).toMatchObject({ 'secure-ecs.local': 'task', 'secure-ecs.container': name });
  });
});

test('the pause container publishes the mapped port on 127.0.0.1 only and is hardened itself', () => {
  const pause = dockerPauseBody(t.task, 'localhost/proxy:1', cgroup);
  expect(pause.HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] });
  expect(pause).toMatchObject({
    User: '65534:65534',
    HostConfig: { ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], CgroupParent: '/secure-ecs/task' },
  });
  expect(pause.Labels).toMatchObject({ 'secure-ecs.local': 'task', 'secure-ecs.role': 'pause' });
});

test('the pause container has limits of its own beneath the task cgroup: memory, CPU shares (ECS: 2), PIDs, nofile', () => {
  const hc = dockerPauseBody(t.task, 'localhost/proxy:1', cgroup).HostConfig;
  expect([hc.Memory, hc.CpuShares, hc.PidsLimit, hc.Ulimits]).toEqual([16 * MiB, 2, 16, [{ Name: 'nofile', Soft: 64, Hard: 64 }]]);
  // Within the task's memory: the task's containers and the pause container together.
  const containersMiB = t.containers.reduce((sum, c) => sum + (c.spec.memoryMiB ?? 0), 0);
  expect(containersMiB + hc.Memory! / MiB).toBeLessThanOrEqual(Number(props.Memory));
});

test('secrets: the value goes in the request body only, and a missing one is an error naming the variable', () => {
  const c = t.containers[0];
  const spec = { ...c.spec, secrets: [{ envName: 'DB_PASSWORD', secretId: 'task-app-db_password' }] };
  expect(dockerContainerBody(spec, t.task, undefined, new Map([['task-app-db_password', 's3cret']])).Env).toContain('DB_PASSWORD=s3cret');
  expect(() => dockerContainerBody(spec, t.task, undefined, new Map())).toThrow(/no local value for the secret DB_PASSWORD/);
});

test('a container without a health check turns off the image HEALTHCHECK, as ECS ignores it', () => {
  const c = t.containers[0];
  expect(dockerContainerBody({ ...c.spec, health: undefined }, t.task, undefined, new Map()).Healthcheck).toEqual({ Test: ['NONE'] });
});

test('the measurement-only cpuset (the bench) reaches every container of the task; the translated template sets none', () => {
  // `local up` never sets it: ECS has no cpuset, so the translation of the template leaves it out.
  expect(t.task.measurementCpuset).toBeUndefined();
  expect(dockerPauseBody(t.task, 'localhost/proxy:1', cgroup).HostConfig.CpusetCpus).toBeUndefined();
  for (const c of t.containers) expect(dockerContainerBody(c.spec, t.task, cgroup, new Map()).HostConfig.CpusetCpus).toBeUndefined();
  const pinned = { ...t.task, measurementCpuset: '1-3' };
  expect(dockerPauseBody(pinned, 'localhost/proxy:1', cgroup).HostConfig.CpusetCpus).toBe('1-3');
  for (const c of t.containers) expect(dockerContainerBody(c.spec, pinned, cgroup, new Map()).HostConfig.CpusetCpus).toBe('1-3');
});
