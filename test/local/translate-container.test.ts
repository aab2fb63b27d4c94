import { synth, containerDefinitions } from '../helpers/synth';
import { healthCmdArg, podmanCreateArgs } from '../../lib/local/engines/podman/args';
import { ContainerContext, translateContainer, type TranslatedContainer } from '../../lib/local/translate/container';
import { ECS_DEFAULTS } from '../../lib/local/translate/ecs-defaults';

/** The translation as podman renders it (the Docker rendering is tested in docker-api.test.ts). */
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

describe('translateContainer on the synthesized task definition', () => {
  // GIVEN the real template (the values every assertion compares against come from it)
  const defs = containerDefinitions(synth().template);

  test.each(Object.keys(defs))('%s: every field of the definition is reported, none dropped', (name) => {
    const t = translateContainer(defs[name], ctx);
    const reported = new Set(t.fields.map((f) => f.path.split('.')[1]));
    for (const key of Object.keys(defs[name])) expect(reported).toContain(key);
  });

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

  test('the runner settings come from the template too', () => {
    const proxy = translateContainer(defs.proxy, ctx);
    expect(proxy.dependsOn).toEqual(defs.proxy.DependsOn.map((d: any) => ({ container: d.ContainerName, condition: d.Condition })));
    expect(proxy.essential).toBe(defs.proxy.Essential);
    expect(proxy.restart).toEqual({ ignoredExitCodes: [], attemptPeriodS: defs.proxy.RestartPolicy.RestartAttemptPeriod });
    expect(proxy.health?.test).toEqual(defs.proxy.HealthCheck.Command);
  });

  test('only mapped ports are published, on 127.0.0.1, at the requested host port', () => {
    const proxy = translateContainer(defs.proxy, { ...ctx, hostPorts: { [defs.proxy.PortMappings[0].ContainerPort]: 18080 } });
    expect(proxy.taskSettings.publish).toEqual([
      { hostIp: '127.0.0.1', hostPort: 18080, containerPort: defs.proxy.PortMappings[0].ContainerPort, protocol: 'tcp' },
    ]);
    expect(translateContainer(defs.app, ctx).taskSettings.publish).toEqual([]);
  });

  test('awslogs is listed as not honoured, with where the logs go instead', () => {
    const t = translateContainer(defs.app, ctx);
    expect(t.fields).toContainEqual(
      expect.objectContaining({ path: 'app.LogConfiguration', outcome: 'not-honoured', detail: expect.stringMatching(/secure-ecs local logs app/) }),
    );
  });

  test('an environment override is applied and reported as a deviation', () => {
    const t = translateContainer(defs.proxy, { ...ctx, environmentOverrides: { TRUSTED_PROXY_CIDRS: { value: '10.88.0.1/32', reason: 'host side' } } });
    expect(values(argsOf(t), '--env')).toContain('TRUSTED_PROXY_CIDRS=10.88.0.1/32');
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'proxy.Environment.TRUSTED_PROXY_CIDRS', outcome: 'deviation' }));
  });
});

describe('translateContainer field by field', () => {
  test('an unknown field is listed as not honoured, never dropped silently', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', SomethingNew: { a: 1 }, LinuxParameters: { FutureKnob: true } }, ctx);
    expect(t.fields).toContainEqual(
      expect.objectContaining({ path: 'x.SomethingNew', outcome: 'not-honoured', detail: expect.stringMatching(/unknown to the translator/) }),
    );
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.LinuxParameters.FutureKnob', outcome: 'not-honoured' }));
  });

  test('no HealthCheck: the image HEALTHCHECK is disabled, as ECS ignores it', () => {
    expect(argsOf(translateContainer({ Name: 'x', Image: 'i' }, ctx))).toContain('--no-healthcheck');
  });

  test('ECS defaults apply to fields left out', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', HealthCheck: { Command: ['CMD-SHELL', 'true'] }, RestartPolicy: { Enabled: true } }, ctx);
    expect(t.health).toEqual({ test: ['CMD-SHELL', 'true'], intervalS: 30, timeoutS: 5, retries: 3, startPeriodS: 0 });
    expect(t.restart?.attemptPeriodS).toBe(ECS_DEFAULTS.restartAttemptPeriodS);
    expect(t.essential).toBe(true);
    expect(values(argsOf(t), '--stop-timeout')).toEqual(['30']);
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.StopTimeout', outcome: 'deviation' }));
  });

  test('Cpu below 2 (or none) becomes 2 shares, as the agent passes it', () => {
    expect(values(argsOf(translateContainer({ Name: 'x', Image: 'i', Cpu: 0 }, ctx)), '--cpu-shares')).toEqual(['2']);
  });

  test('MaxSwap is added to Memory for --memory-swap; Swappiness and SharedMemorySize pass through', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', Memory: 128, LinuxParameters: { MaxSwap: 64, Swappiness: 10, SharedMemorySize: 32 } }, ctx);
    expect(values(argsOf(t), '--memory-swap')).toEqual(['192m']);
    expect(values(argsOf(t), '--memory-swappiness')).toEqual(['10']);
    expect(values(argsOf(t), '--shm-size')).toEqual(['32m']);
  });

  test('capabilities: drop then add', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', LinuxParameters: { Capabilities: { Drop: ['ALL'], Add: ['NET_BIND_SERVICE'] } } }, ctx);
    const i = argsOf(t).indexOf('--cap-drop');
    expect(argsOf(t).slice(i, i + 4)).toEqual(['--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE']);
  });

  test("ulimits above this machine's hard limit are lowered, and reported", () => {
    const t = translateContainer(
      { Name: 'x', Image: 'i', Ulimits: [{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }] },
      { ...ctx, hostHardLimits: { nofile: 20000 } },
    );
    expect(values(argsOf(t), '--ulimit')).toEqual(['nofile=20000:20000']);
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.Ulimits.nofile', outcome: 'deviation' }));
  });

  test('Docker security options map to podman syntax; credentialspec is not honoured', () => {
    const t = translateContainer(
      { Name: 'x', Image: 'i', DockerSecurityOptions: ['no-new-privileges', 'apparmor:docker-default', 'credentialspec:file://x'] },
      ctx,
    );
    expect(values(argsOf(t), '--security-opt')).toEqual(['no-new-privileges', 'apparmor=docker-default']);
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.DockerSecurityOptions.credentialspec:file://x', outcome: 'not-honoured' }));
  });

  test('secrets become podman env secrets; no value anywhere in the arguments', () => {
    const t = translateContainer(
      { Name: 'app', Image: 'i', Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:db' }] },
      ctx,
    );
    expect(t.secrets).toEqual([{ envName: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:db', secretId: 'task-app-db_password' }]);
    expect(values(argsOf(t), '--secret')).toEqual(['task-app-db_password,type=env,target=DB_PASSWORD']);
  });

  test('an environment value resolved only at deployment is listed, not set', () => {
    const t = translateContainer(
      {
        Name: 'x',
        Image: 'i',
        Environment: [
          { Name: 'BUCKET', Value: { Ref: 'Bucket' } },
          { Name: 'A', Value: 'b' },
        ],
      },
      ctx,
    );
    expect(values(argsOf(t), '--env')).toEqual(['A=b']);
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.Environment.BUCKET', outcome: 'not-honoured' }));
  });

  test('entry point and command keep their exec form', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', EntryPoint: ['/bin/sh', '-c'], Command: ['echo a b'] }, ctx);
    expect(values(argsOf(t), '--entrypoint')).toEqual(['["/bin/sh","-c"]']);
    expect(argsOf(t).slice(-2)).toEqual(['localhost/img:abc', 'echo a b']);
  });

  test('net.* sysctls go to the task (it owns the network namespace), others to the container', () => {
    const t = translateContainer(
      {
        Name: 'x',
        Image: 'i',
        SystemControls: [
          { Namespace: 'net.core.somaxconn', Value: '1024' },
          { Namespace: 'kernel.msgmax', Value: '65536' },
        ],
      },
      ctx,
    );
    expect(t.taskSettings.sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(values(argsOf(t), '--sysctl')).toEqual(['kernel.msgmax=65536']);
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
