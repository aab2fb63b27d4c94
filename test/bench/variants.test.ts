import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from '../helpers/synth';
import { KEPT_CONNECTIONS, keepaliveLevers } from '../../bench/fastcgi-levers';
import { translateTask } from '../../lib/local/translate/task';
import { describeSpec } from '../../bench/sections/spec-lines';
import { latencyVariants } from '../../bench/sections/latency';
import { EXEMPT_ENV } from '../../bench/context';
import { composeChanges, unharden, withHealthInterval, withoutHealthChecks, withProxyTemplate, withTaskCpu } from '../../bench/variants';
import { ecsSecondsToHealthy } from '../../bench/ecs-health';

// The synthesized template's task, translated as the runner translates it: the variants change that.
const props = Object.values(synth().template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
const images = Object.fromEntries(props.ContainerDefinitions.map((d: any) => [d.Name, { ref: `localhost/${d.Name}:1`, origin: 'test' }]));
const translated = translateTask(props, { taskName: 'bench-x', labelKey: 'secure-ecs.bench', images, hostPorts: { 8080: 18080 } });
const names = translated.containers.map((c) => c.name);
const app = translated.containers.find((c) => c.spec.command === undefined || c.spec.user)!;

test('withTaskCpu changes the task CPU units only, and says from what to what', () => {
  const units = translated.task.cpuUnits === 512 ? 1024 : 512;
  const r = withTaskCpu(units)(translated);
  expect(r.task.task.cpuUnits).toBe(units);
  expect(r.task.task.memoryMiB).toBe(translated.task.memoryMiB);
  expect(r.task.containers).toBe(translated.containers);
  expect(r.changes).toEqual([{ container: 'task', removed: [`cpuUnits ${translated.task.cpuUnits}`], added: [`cpuUnits ${units}`] }]);
  expect(withTaskCpu(undefined)(translated).changes).toEqual([{ container: 'task', removed: [`cpuUnits ${translated.task.cpuUnits}`], added: [] }]);
  expect(() => withTaskCpu(100)).toThrow('task CPU: got 100; ECS on EC2 allows 128 to 196608 CPU units');
});

test('withHealthInterval changes the engine spec and the runner plan alike, nothing else', () => {
  // An interval no container of the template has, so every container changes.
  const r = withHealthInterval(7)(translated);
  for (const c of r.task.containers) {
    const before = translated.containers.find((x) => x.name === c.name)!;
    expect(c.health).toEqual({ ...before.health, intervalS: 7 });
    expect(c.spec).toEqual({ ...before.spec, health: { ...before.spec.health, intervalS: 7 } });
  }
  expect(r.changes.map((c) => c.container)).toEqual(names);
  expect(r.changes[0]).toEqual({
    container: names[0],
    removed: [`health.intervalS ${translated.containers[0].health!.intervalS}`],
    added: ['health.intervalS 7'],
  });
  expect(() => withHealthInterval(3)).toThrow('health-check interval: got 3; ECS allows whole seconds from 5 to 300');
  // The model of an ECS start follows the change: every container's first probe one Interval after its start.
  expect(ecsSecondsToHealthy(r.task.containers).secondsToHealthy).toBeLessThanOrEqual(20);
});

test('unharden removes the hardening of every container and, with removeLimits, the limits', () => {
  const kept = unharden({ removeLimits: false, imageCmd: {} })(translated);
  for (const c of kept.task.containers) {
    expect(c.spec).toMatchObject({ readOnlyRootfs: false, capDrop: [], init: false, user: '0:0' });
    expect(c.spec.securityOpt).not.toContain('no-new-privileges');
    for (const opts of Object.values(c.spec.tmpfs)) expect(opts.filter((o) => ['noexec', 'nosuid', 'nodev'].includes(o))).toEqual([]);
    expect(c.spec.memoryMiB).toBe(translated.containers.find((x) => x.name === c.name)!.spec.memoryMiB);
  }
  expect(kept.task.task).toEqual(translated.task);
  const removed = unharden({ removeLimits: true, imageCmd: { [app.name]: ['php-fpm'] } })(translated);
  expect(removed.task.task).toMatchObject({ cpuUnits: undefined, memoryMiB: undefined });
  for (const c of removed.task.containers) expect(c.spec).toMatchObject({ memoryMiB: undefined, cpuShares: 0, ulimits: [] });
  expect(removed.changes.find((c) => c.container === 'task')!.removed).toEqual([
    `cpuUnits ${translated.task.cpuUnits}`,
    `memoryMiB ${translated.task.memoryMiB}`,
  ]);
  // The change list names every field it touched, from the spec's own words.
  expect(removed.changes.find((c) => c.container === names[0])!.removed).toEqual(expect.arrayContaining(['readOnlyRootfs true', 'init true']));
});

test('keepUser: a container named there keeps its own user (a proxy reaching php-fpm on the unix socket), the rest run as root', () => {
  const r = unharden({ removeLimits: false, imageCmd: {}, keepUser: [names[1]] })(translated);
  expect(r.task.containers.map((c) => [c.name, c.spec.user])).toEqual([
    [names[0], '0:0'],
    [names[1], translated.containers.find((x) => x.name === names[1])!.spec.user],
  ]);
  expect(r.task.containers[1].spec).toMatchObject({ readOnlyRootfs: false, capDrop: [], init: false });
});

test('php-fpm is told it may run as root when the image CMD starts it', () => {
  const r = unharden({ removeLimits: false, imageCmd: Object.fromEntries(names.map((n) => [n, ['php-fpm8.2']])) })(translated);
  const withCommand = r.task.containers.filter((c) => c.spec.command?.includes('--allow-to-run-as-root'));
  expect(withCommand.length).toBeGreaterThan(0);
});

test('withProxyTemplate mounts a file read-only over the image template, and the report does not see the host path', () => {
  const r = withProxyTemplate(names[names.length - 1], '/tmp/run/x.template', '/etc/nginx/t')(translated);
  const proxy = r.task.containers[names.length - 1];
  expect(proxy.spec.mounts).toContainEqual({ kind: 'bind', source: '/tmp/run/x.template', target: '/etc/nginx/t', readOnly: true });
  expect(JSON.stringify(r.changes)).not.toContain('/tmp/run');
  expect(() => withProxyTemplate('nope', 'f', 't')(translated)).toThrow('the task has no container nope');
});

test('composeChanges applies in order and keeps every change', () => {
  const r = composeChanges(withTaskCpu(512), withHealthInterval(10))(translated);
  expect(r.task.task.cpuUnits).toBe(512);
  expect(r.changes.map((c) => c.container)).toEqual(['task', ...names]);
});

test('the latency variants compare each task size the template does not already have', () => {
  const ids = (cpu: number | undefined) => latencyVariants(cpu).map((v) => v.id);
  expect(ids(256)).toEqual(['lat-template', 'lat-cpu-512', 'lat-cpu-1024', 'lat-30s', 'lat-noprobe', 'lat-nocap']);
  expect(ids(1024)).toEqual(['lat-template', 'lat-cpu-256', 'lat-cpu-512', 'lat-30s', 'lat-noprobe', 'lat-nocap']);
});

test('the FastCGI levers: the other transport and each kept-connection count as settings, a grown pool mounted over the image', () => {
  const appName = app.name;
  const proxy = names.find((n) => n !== appName)!;
  const poolFile = { file: '/w/pool3', pathInImage: '/etc/php/8.4/fpm/pool.d/app.conf' };
  const levers = latencyVariants(1024, {
    transport: 'tcp',
    keepalive: [
      { kept: 1, workers: 6 },
      { kept: 3, workers: 6, poolFile },
    ],
    app: appName,
  }).slice(-3);
  expect(levers.map((v) => [v.id, v.label])).toEqual([
    ['lat-tcp', 'FastCGI over loopback TCP'],
    ['lat-keep1', '1 kept FastCGI connection, 6 php-fpm workers'],
    ['lat-keep3', '3 kept FastCGI connections, 6 php-fpm workers'],
  ]);
  const settings = (values: object) => ({ values, describe: JSON.stringify(values) });
  expect(levers.map((v) => v.settings)).toEqual([
    settings({ app: { fastcgiTransport: 'tcp' } }),
    settings({ app: { fastcgiKeptConnections: 1 } }),
    settings({ app: { fastcgiKeptConnections: 3 } }),
  ]);
  expect(levers[2].settings!.describe).toBe('{"app":{"fastcgiKeptConnections":3}}');
  // Only the lever whose pool grows changes the task beyond its settings; the proxy is never touched.
  expect([levers[0].change, levers[1].change]).toEqual([undefined, undefined]);
  const r = levers[2].change!(translated);
  expect(r.changes).toEqual([{ container: appName, removed: [], added: ['mounts +<pool.conf with pm.max_children = 6>:/etc/php/8.4/fpm/pool.d/app.conf:ro'] }]);
  expect(r.task.containers.find((c) => c.name === appName)!.spec.mounts!.at(-1)).toEqual({
    kind: 'bind',
    source: '/w/pool3',
    target: '/etc/php/8.4/fpm/pool.d/app.conf',
    readOnly: true,
  });
  expect(r.task.containers.find((c) => c.name === proxy)).toBe(translated.containers.find((c) => c.name === proxy));
  // Only where they apply: an HTTP app has no transport lever, one without keep-alive levers no keep one; a TCP template measures the socket.
  const ids = (levers?: Parameters<typeof latencyVariants>[1]) => latencyVariants(1024, levers).map((v) => v.id);
  expect(ids({ keepalive: [], app: appName })).toEqual(ids());
  expect(ids({ keepalive: [{ kept: 1, workers: 6 }], app: appName }).filter((id) => /unix|tcp|keep/.test(id))).toEqual(['lat-keep1']);
  expect(ids({ transport: 'unix', keepalive: [], app: appName }).filter((id) => /unix|tcp/.test(id))).toEqual(['lat-unix']);
  // The access log lever only where the template's log is buffered (the section passes its change).
  expect(latencyVariants(1024).map((v) => v.id)).not.toContain('lat-logwrite');
  const logwrite = latencyVariants(1024, undefined, (t) => ({ task: t, changes: [] })).find((v) => v.id === 'lat-logwrite');
  expect(logwrite).toMatchObject({ label: 'access log unbuffered (a write per request)', env: EXEMPT_ENV });
});

test("the template's own levers: its proxy's kept count and pool give every other count, each synthesized with that count", () => {
  const proxyEnvOf = (p: any): Record<string, string> =>
    Object.fromEntries((p.ContainerDefinitions as any[]).find((d) => d.PortMappings?.length).Environment.map((e: any) => [e.Name, e.Value]));
  const own = proxyEnvOf(props).APP_FASTCGI_KEPT_CONNECTIONS;
  expect(own).toMatch(/^\d+$/);
  const pool = readFileSync(path.join(__dirname, '..', '..', 'containers', 'app', 'php', 'pool.conf'), 'utf8');
  const keep = latencyVariants(1024, { keepalive: keepaliveLevers(proxyEnvOf(props), pool), app: app.name }).filter((v) => v.id.startsWith('lat-keep'));
  expect(keep.map((v) => v.id)).toEqual(KEPT_CONNECTIONS.filter((k) => String(k) !== own).map((k) => `lat-keep${k}`));
  // The setting a lever carries is the one the product reads: the proxy of its synthesis keeps that count.
  for (const v of keep) {
    const synthesized = Object.values(synth(v.settings!.values).template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    expect(proxyEnvOf(synthesized).APP_FASTCGI_KEPT_CONNECTIONS).toBe(v.id.slice('lat-keep'.length));
  }
});

test('describeSpec lists the fields the engine is given, without names, ports or images that differ per run', () => {
  const d = describeSpec(translated);
  expect(d.task).toEqual(expect.arrayContaining([`cpuUnits ${translated.task.cpuUnits}`]));
  expect(Object.keys(d.containers)).toEqual(names);
  expect(JSON.stringify(d)).not.toMatch(/bench-x|18080|localhost\//);
});

test('withoutHealthChecks removes every check from spec and plan, and HEALTHY dependencies become START', () => {
  // The template's proxy starts after the app has started (START, behind the ALB); a fork without a
  // load balancer keeps HEALTHY, the construct's default: the variant must turn that into START.
  const healthyChain = {
    ...translated,
    containers: translated.containers.map((c) => ({ ...c, dependsOn: c.dependsOn.map((d) => ({ ...d, condition: 'HEALTHY' as const })) })),
  };
  const r = withoutHealthChecks(healthyChain);
  for (const c of r.task.containers) {
    expect([c.health, c.spec.health]).toEqual([undefined, undefined]);
    expect(c.dependsOn.map((d) => d.condition)).not.toContain('HEALTHY');
  }
  const waiting = healthyChain.containers.find((c) => c.dependsOn.some((d) => d.condition === 'HEALTHY'))!;
  const dep = waiting.dependsOn.find((d) => d.condition === 'HEALTHY')!.container;
  expect(r.changes.find((c) => c.container === waiting.name)).toMatchObject({
    removed: expect.arrayContaining([`dependsOn ${dep} HEALTHY`]),
    added: [`dependsOn ${dep} START`],
  });
  expect(ecsSecondsToHealthy(r.task.containers).secondsToHealthy).toBe(0);
});

test('the task sizes run at the same fractions of their own capacity: rates scaled by their CPU against the template', () => {
  const scale = Object.fromEntries(latencyVariants(1024).map((v) => [v.id, v.capacityScale]));
  expect(scale).toEqual({
    'lat-template': undefined,
    'lat-cpu-256': 0.25,
    'lat-cpu-512': 0.5,
    'lat-30s': undefined,
    'lat-noprobe': undefined,
    'lat-nocap': undefined,
  });
  // A template without a task CPU has nothing to scale against.
  expect(latencyVariants(undefined).every((v) => v.capacityScale === undefined)).toBe(true);
});
