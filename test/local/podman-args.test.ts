/**
 * The podman rendering of the engine-neutral task (pure: spec in, `podman pod create` and `podman
 * create` arguments out), on the synthesized task definition and field by field. The Docker rendering
 * is tested in docker-api.test.ts; the translation itself in translate-*.test.ts.
 */
import { healthCmdArg, podmanCreateArgs, podmanPodArgs } from '../../lib/local/engines/podman/args';
import { translateContainer, type ContainerContext, type TranslatedContainer } from '../../lib/local/translate/container';
import { translateTask } from '../../lib/local/translate/task';
import { containerDefinitions, synth } from '../helpers/synth';

const argsOf = (t: TranslatedContainer) => podmanCreateArgs(t.spec, 'task');

const ctx: ContainerContext = {
  taskName: 'task',
  labelKey: 'secure-ecs.local',
  image: { ref: 'localhost/img:abc', origin: 'built locally' },
};

/** The value following `flag` each time it appears. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
}

describe('podman create arguments of the synthesized task definition', () => {
  // GIVEN the real template (the values every assertion compares against come from it)
  const { template } = synth();
  const defs = containerDefinitions(template);

  test.each(Object.keys(defs))('%s: hardening flags carry the template values', (name) => {
    const def = defs[name];
    const args = argsOf(translateContainer(def, ctx));
    expect(values(args, '--user')).toEqual([def.User]);
    expect(args).toContain('--read-only');
    expect(values(args, '--read-only-tmpfs')).toEqual([]); // given as --read-only-tmpfs=false
    expect(args).toContain('--read-only-tmpfs=false');
    expect(values(args, '--cap-drop')).toEqual(def.LinuxParameters.Capabilities.Drop);
    expect(values(args, '--cap-add')).toEqual([]);
    expect(values(args, '--security-opt')).toEqual(def.DockerSecurityOptions);
    expect(args).toContain('--init');
    expect(values(args, '--memory')).toEqual([`${def.Memory}m`]);
    expect(values(args, '--cpu-shares')).toEqual([String(def.Cpu)]);
    expect(values(args, '--stop-timeout')).toEqual([String(def.StopTimeout)]);
    expect(values(args, '--ulimit')).toEqual(def.Ulimits.map((u: any) => `${u.Name}=${u.SoftLimit}:${u.HardLimit}`));
    expect(values(args, '--tmpfs')).toEqual(
      def.LinuxParameters.Tmpfs.map((t: any) => `${t.ContainerPath}:${[...t.MountOptions, `size=${t.Size}m`, 'notmpcopyup'].join(',')}`),
    );
    expect(values(args, '--health-interval')).toEqual([`${def.HealthCheck.Interval}s`]);
    expect(values(args, '--health-timeout')).toEqual([`${def.HealthCheck.Timeout}s`]);
    expect(values(args, '--health-retries')).toEqual([String(def.HealthCheck.Retries)]);
    expect(values(args, '--health-start-period')).toEqual([`${def.HealthCheck.StartPeriod}s`]);
    expect(values(args, '--label')).toEqual(['secure-ecs.local=task', `secure-ecs.container=${name}`]);
    expect(values(args, '--pod')).toEqual(['task']);
    expect(args[args.length - 1]).toBe('localhost/img:abc');
  });

  test('the pod: task CPU and memory as its limits, only the network shared, the mapped port on loopback', () => {
    const props = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    const image = { ref: 'localhost/i:1', origin: 'test' };
    const images = Object.fromEntries(props.ContainerDefinitions.map((d: any) => [d.Name, image]));
    const podArgs = podmanPodArgs(translateTask(props, { ...ctx, images, hostPorts: { 8080: 18080 } }).task);
    expect(values(podArgs, '--cpus')).toEqual([String(Number(props.Cpu) / 1024)]);
    expect(values(podArgs, '--memory')).toEqual([`${props.Memory}m`]);
    expect(values(podArgs, '--share')).toEqual(['net']);
    expect(values(podArgs, '--publish')).toEqual(['127.0.0.1:18080:8080/tcp']);
  });

  test('the measurement-only cpuset (the bench) goes on each container, never on the pod; the translated template sets none', () => {
    const props = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    const image = { ref: 'localhost/i:1', origin: 'test' };
    const images = Object.fromEntries(props.ContainerDefinitions.map((d: any) => [d.Name, image]));
    const t = translateTask(props, { ...ctx, images, hostPorts: { 8080: 18080 } });
    // `local up` never pins: ECS has no cpuset, so the translation leaves it out.
    expect(t.task.measurementCpuset).toBeUndefined();
    for (const c of t.containers) expect(values(podmanCreateArgs(c.spec, 'task', t.task.measurementCpuset), '--cpuset-cpus')).toEqual([]);
    // podman 4.3's pod-level --cpuset-cpus with a fractional --cpus set the wrong cpuset (args.ts).
    expect(values(podmanPodArgs({ ...t.task, cpuUnits: 256, measurementCpuset: '1' }), '--cpuset-cpus')).toEqual([]);
    for (const c of t.containers) expect(values(podmanCreateArgs(c.spec, 'task', '1-3'), '--cpuset-cpus')).toEqual(['1-3']);
  });
});

describe('podman create arguments field by field', () => {
  test('no HealthCheck: the image HEALTHCHECK is disabled, as ECS ignores it', () => {
    expect(argsOf(translateContainer({ Name: 'x', Image: 'i' }, ctx))).toContain('--no-healthcheck');
  });

  test('capabilities: drop then add', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', LinuxParameters: { Capabilities: { Drop: ['ALL'], Add: ['NET_BIND_SERVICE'] } } }, ctx);
    const i = argsOf(t).indexOf('--cap-drop');
    expect(argsOf(t).slice(i, i + 4)).toEqual(['--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE']);
  });
  test('secrets become podman env secrets; no value anywhere in the arguments', () => {
    const t = translateContainer(
      { Name: 'app', Image: 'i', Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:db' }] },
      ctx,
    );
    expect(t.secrets).toEqual([{ envName: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:db', secretId: 'task-app-db_password' }]);
    expect(values(argsOf(t), '--secret')).toEqual(['task-app-db_password,type=env,target=DB_PASSWORD']);
  });
  test('PidMode task shares the PID namespace in the pod as well', () => {
    const t = translateTask({ ContainerDefinitions: [{ Name: 'a', Image: 'i' }], PidMode: 'task' }, { ...ctx, images: { a: ctx.image } });
    const args = podmanPodArgs(t.task);
    expect(args[args.lastIndexOf('--share') + 1]).toBe('net,pid');
  });
});

describe('healthCmdArg (podman 4.3 --health-cmd parsing)', () => {
  test('exec form with several arguments: a JSON array', () => {
    expect(healthCmdArg(['CMD', '/bin/check', 'a b'])).toEqual({ arg: '["/bin/check","a b"]', exact: true });
  });
  test('exec form with one argument: "CMD arg"', () => {
    expect(healthCmdArg(['CMD', '/usr/local/bin/healthcheck'])).toEqual({ arg: 'CMD /usr/local/bin/healthcheck', exact: true });
  });
  test('shell form keeps the command string', () => {
    expect(healthCmdArg(['CMD-SHELL', 'curl -f http://localhost/ || exit 1'])).toEqual({ arg: 'CMD-SHELL curl -f http://localhost/ || exit 1', exact: true });
  });
  test('one argument with blanks can only run through a shell (reported)', () => {
    expect(healthCmdArg(['CMD', '/opt/my check'])).toEqual({ arg: "CMD-SHELL exec '/opt/my check'", exact: false });
  });
});
