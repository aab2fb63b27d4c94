import { synth, containerDefinitions } from '../helpers/synth';
import { ContainerContext, secretsOfTaskDefinition, translateContainer } from '../../lib/local/translate/container';
import { ECS_DEFAULTS } from '../../lib/local/translate/ecs-defaults';

const ctx: ContainerContext = {
  taskName: 'task',
  labelKey: 'secure-ecs.local',
  image: { ref: 'localhost/img:abc', origin: 'built locally' },
};

describe('translateContainer on the synthesized task definition', () => {
  // GIVEN the real template (the values every assertion compares against come from it)
  const defs = containerDefinitions(synth().template);

  test.each(Object.keys(defs))('%s: every field of the definition is reported, none dropped', (name) => {
    const t = translateContainer(defs[name], ctx);
    const reported = new Set(t.fields.map((f) => f.path.split('.')[1]));
    for (const key of Object.keys(defs[name])) expect(reported).toContain(key);
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
    expect(t.spec.env.TRUSTED_PROXY_CIDRS).toBe('10.88.0.1/32');
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

  test('ECS defaults apply to fields left out', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', HealthCheck: { Command: ['CMD-SHELL', 'true'] }, RestartPolicy: { Enabled: true } }, ctx);
    expect(t.health).toEqual({ test: ['CMD-SHELL', 'true'], intervalS: 30, timeoutS: 5, retries: 3, startPeriodS: 0 });
    expect(t.restart?.attemptPeriodS).toBe(ECS_DEFAULTS.restartAttemptPeriodS);
    expect(t.essential).toBe(true);
    expect(t.spec.stopTimeoutS).toBe(30);
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.StopTimeout', outcome: 'deviation' }));
  });

  test('Cpu below 2 (or none) becomes 2 shares, as the agent passes it', () => {
    expect(translateContainer({ Name: 'x', Image: 'i', Cpu: 0 }, ctx).spec.cpuShares).toBe(2);
  });

  test('MaxSwap is added to Memory for --memory-swap; Swappiness and SharedMemorySize pass through', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', Memory: 128, LinuxParameters: { MaxSwap: 64, Swappiness: 10, SharedMemorySize: 32 } }, ctx);
    expect(t.spec).toMatchObject({ memorySwapMiB: 192, swappiness: 10, shmSizeMiB: 32 });
  });

  test('capabilities: drop then add', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', LinuxParameters: { Capabilities: { Drop: ['ALL'], Add: ['NET_BIND_SERVICE'] } } }, ctx);
    expect(t.spec).toMatchObject({ capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] });
  });

  test("ulimits above this machine's hard limit are lowered, and reported", () => {
    const t = translateContainer(
      { Name: 'x', Image: 'i', Ulimits: [{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }] },
      { ...ctx, hostHardLimits: { nofile: 20000 } },
    );
    expect(t.spec.ulimits).toEqual([{ name: 'nofile', soft: 20000, hard: 20000 }]);
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.Ulimits.nofile', outcome: 'deviation' }));
  });

  test("Docker security options map to the engines' syntax; credentialspec is not honoured", () => {
    const t = translateContainer(
      { Name: 'x', Image: 'i', DockerSecurityOptions: ['no-new-privileges', 'apparmor:docker-default', 'credentialspec:file://x'] },
      ctx,
    );
    expect(t.spec.securityOpt).toEqual(['no-new-privileges', 'apparmor=docker-default']);
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.DockerSecurityOptions.credentialspec:file://x', outcome: 'not-honoured' }));
  });

  test('secrets become env secrets named for the task and container; no value in the translation', () => {
    const t = translateContainer(
      { Name: 'app', Image: 'i', Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:db' }] },
      ctx,
    );
    expect(t.secrets).toEqual([{ envName: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:db', secretId: 'task-app-db_password' }]);
    expect(t.spec.secrets).toEqual([{ envName: 'DB_PASSWORD', secretId: 'task-app-db_password' }]);
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
    expect(t.spec.env).toEqual({ A: 'b' });
    expect(t.fields).toContainEqual(expect.objectContaining({ path: 'x.Environment.BUCKET', outcome: 'not-honoured' }));
  });

  test('entry point and command keep their exec form', () => {
    const t = translateContainer({ Name: 'x', Image: 'i', EntryPoint: ['/bin/sh', '-c'], Command: ['echo a b'] }, ctx);
    expect(t.spec).toMatchObject({ entrypoint: ['/bin/sh', '-c'], command: ['echo a b'], image: 'localhost/img:abc' });
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
    expect(t.spec.sysctls).toEqual({ 'kernel.msgmax': '65536' });
  });
});

describe('secretsOfTaskDefinition', () => {
  // GIVEN a task definition whose two containers ask for secrets (one for two)
  const props = {
    ContainerDefinitions: [
      {
        Name: 'app',
        Image: 'i',
        Secrets: [
          { Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:db' },
          { Name: 'API_KEY', ValueFrom: 'arn:x' },
        ],
      },
      { Name: 'proxy', Image: 'p', Secrets: [{ Name: 'TOKEN', ValueFrom: 'arn:y' }] },
      { Name: 'plain', Image: 'q' },
    ],
  };

  test('gives the refs the translation gives, before anything is built', () => {
    const translated = props.ContainerDefinitions.flatMap((d) => translateContainer(d, ctx).secrets.map((secret) => ({ container: d.Name, secret })));
    expect(translated).toHaveLength(3);
    expect(secretsOfTaskDefinition(props, ctx.taskName)).toEqual(translated);
  });
});

describe('the app section translates (issue 20)', () => {
  // GIVEN a template with declared writable paths, another port and entry points
  const defs = containerDefinitions(
    synth({
      app: {
        port: 9100,
        entryPoints: 'files',
        writablePaths: [
          { path: '/srv/app/public/uploads', sizeMiB: 8 },
          { path: '/var/lib/app', sizeMiB: 4 },
        ],
      },
    }).template,
  );

  test('every tmpfs of the app container becomes a sized noexec,nosuid,nodev --tmpfs', () => {
    const app = translateContainer(defs.app, ctx);
    expect(app.spec.tmpfs).toEqual({
      '/tmp': ['rw', 'noexec', 'nosuid', 'nodev', 'size=16m'],
      '/srv/app/public/uploads': ['rw', 'noexec', 'nosuid', 'nodev', 'size=8m'],
      '/var/lib/app': ['rw', 'noexec', 'nosuid', 'nodev', 'size=4m'],
    });
    expect(app.spec.readOnlyRootfs).toBe(true);
  });

  test("the app's and the proxy's new variables are passed as the template sets them", () => {
    expect(translateContainer(defs.app, ctx).spec.env).toMatchObject({ APP_PORT: '9100', APP_OPEN_BASEDIR: '/srv/app:/tmp:/var/lib/app' });
    expect(translateContainer(defs.proxy, ctx).spec.env).toMatchObject({
      APP_FASTCGI_ADDRESS: '127.0.0.1:9100',
      APP_ENTRY_POINTS: 'files',
      WRITABLE_URL_PREFIXES: '/uploads/',
    });
  });
});
