/**
 * End-to-end: app.fastcgiTransport "unix" (the default, set here explicitly) on the engine the runner chooses (SECURE_ECS_ENGINE picks
 * one). The task is synthesized with the setting (`cdk synth -c configFile=`, as a user would) and
 * started with `secure-ecs local up --detach`; pages are served through php-fpm's unix socket on the
 * task-scoped tmpfs volume, nothing listens on TCP for FastCGI, the volume's and the socket's owner
 * and mode are the template's, the proxy can neither write nor run anything there, and `local down`
 * removes the volume. Every expected value is read from the synthesized template.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { StateDir } from '../../lib/local/state';
import { cli, engine, inside, newClient, request } from './helpers';
import { startTask, stopTask, synthWith, type TaskUnderTest } from './task-under-test';
import { allow } from './time-allowance';

const TASK = `secure-ecs-e2e-fcgi-unix-${process.pid}`;
let t: TaskUnderTest;
/** The task definition's socket volume, its mount path and php-fpm's socket path. */
let volume: Record<string, any> = {};
let dir = '';
let socket = '';

/** The tmpfs mount options of the volume's `o` (mount(8) names). */
const opts = () =>
  new Map<string, string>(
    String(volume.DockerVolumeConfiguration.DriverOpts.o)
      .split(',')
      .map((o) => [o.split('=')[0], o.split('=')[1] ?? '']),
  );

/** Listening TCP sockets (state 0A) of the task's network namespace on `port`, from /proc/net/tcp and tcp6. */
async function tcpListeners(container: string, port: number): Promise<string[]> {
  const r = await inside(container, 'cat /proc/net/tcp /proc/net/tcp6');
  expect(r.code).toBe(0);
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return r.out.split('\n').filter((l) => {
    const f = l.trim().split(/\s+/);
    return f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A';
  });
}

/** Names of the engine's volumes that carry the task's label. */
async function taskVolumes(): Promise<string[]> {
  const kind = (await engine()).info.kind;
  const r = spawnSync(kind, ['volume', 'ls', '-q', '--filter', `label=${TASK_LABEL_KEY}=${TASK}`], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${kind} volume ls failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  t = await startTask(TASK, { assembly: await synthWith({ app: { fastcgiTransport: 'unix' } }) });
  [volume] = t.task.Volumes;
  dir = t.defs[t.appName].MountPoints.find((m: any) => m.SourceVolume === volume.Name).ContainerPath;
  socket = t.defs[t.appName].Environment.find((e: any) => e.Name === 'APP_FASTCGI_SOCKET').Value;
}, 25 * 60_000);

afterAll(() => stopTask(TASK), 5 * 60_000);

describe('the FastCGI hop on a unix socket', () => {
  test('the template has a task-scoped tmpfs volume, and up honours it and both mounts', () => {
    expect(volume.DockerVolumeConfiguration).toMatchObject({ Scope: 'task', Driver: 'local', DriverOpts: { type: 'tmpfs' } });
    expect(t.proxyEnv.APP_FASTCGI_ADDRESS).toBe(`unix:${socket}`);
    expect(t.honoured(`task.Volumes.${volume.Name}`)).toBe(true);
    for (const c of [t.appName, t.proxyName]) expect(t.honoured(`${c}.MountPoints.${dir}`)).toBe(true);
  });

  test('pages are served through the socket, and status reports both containers HEALTHY (php-fpm answers its ping there)', async () => {
    const r = await request(t.port, '/', { client: newClient() });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/<dt>PHP version<\/dt><dd>\d+\.\d+\.\d+ \(fpm-fcgi\)/);
    const s = JSON.parse((await cli(['local', 'status', '--json', '--name', TASK], allow(60_000))).output);
    for (const c of s.containers) expect([c.name, c.health]).toEqual([c.name, 'HEALTHY']);
    // The kernel's table of unix sockets names php-fpm's listening socket and the connections to it.
    const unix = await inside(t.ctr(t.appName), 'cat /proc/net/unix');
    expect(unix.out.split('\n').filter((l) => l.endsWith(` ${socket}`)).length).toBeGreaterThanOrEqual(1);
  });

  test("nothing listens on TCP for FastCGI in the task: not on php-fpm's default port 9000", async () => {
    for (let i = 0; i < 20; i++) expect((await request(t.port, '/', { client: newClient() })).status).toBe(200);
    expect(await tcpListeners(t.ctr(t.appName), 9000)).toEqual([]);
    // The same namespace still has the proxy's listeners: the check reads the right table.
    expect(await tcpListeners(t.ctr(t.appName), 8080)).toHaveLength(1);
  });

  test("the socket is the app's user's and the proxy's group's, mode 0660; its directory the volume's owner and setgid mode", async () => {
    const [appUid] = t.defs[t.appName].User.split(':');
    const [, proxyGid] = t.defs[t.proxyName].User.split(':');
    expect([opts().get('uid'), opts().get('gid')]).toEqual([appUid, proxyGid]);
    for (const c of [t.appName, t.proxyName]) {
      const r = await inside(t.ctr(c), `stat -c '%a %u %g %F' ${dir} ${socket}`);
      expect(r.out.trim().split('\n')).toEqual([
        `${opts().get('mode')!.replace(/^0/, '')} ${appUid} ${proxyGid} directory`,
        `660 ${appUid} ${proxyGid} socket`,
      ]);
    }
  });

  test('the volume is a tmpfs mounted noexec, nosuid, nodev in both containers, of the template size', async () => {
    for (const c of [t.appName, t.proxyName]) {
      const line = (await inside(t.ctr(c), `grep ' ${dir} ' /proc/mounts`)).out.trim();
      const [, , type, flags] = line.split(' ');
      expect(type).toBe('tmpfs');
      expect(flags.split(',')).toEqual(
        expect.arrayContaining(['rw', 'noexec', 'nosuid', 'nodev', `nr_inodes=${opts().get('nr_inodes')}`, `size=${Number(opts().get('nr_blocks')) * 4}k`]),
      );
    }
  });

  test('the proxy can neither write there nor run what the app wrote there', async () => {
    const app = await inside(t.ctr(t.appName), `cp /bin/true ${dir}/t && chmod 755 ${dir}/t && echo copied; ${dir}/t; echo "exit $?"`);
    expect(app.out).toMatch(/copied[\s\S]*exit 126/);
    const proxy = await inside(t.ctr(t.proxyName), `touch ${dir}/x; echo "touch $?"; rm -f ${socket}; echo "rm $?"; ${dir}/t; echo "exit $?"`);
    expect(proxy.out).toMatch(/touch 1[\s\S]*rm 1[\s\S]*exit 126/);
    expect(proxy.out).toContain('Permission denied');
    await inside(t.ctr(t.appName), `rm -f ${dir}/t`);
    expect((await request(t.port, '/', { client: newClient() })).status).toBe(200);
  });

  test('local down removes the task-scoped volume with the task', async () => {
    expect(await taskVolumes()).toHaveLength(1);
    const down = await cli(['local', 'down', '--name', TASK], allow(5 * 60_000));
    expect(down.code).toBe(0);
    expect(down.output).toMatch(/volume \S+fcgi-socket/);
    expect(down.output).not.toContain('--volumes` removes the volumes');
    expect(await taskVolumes()).toEqual([]);
  });

  test('local down of a state directory a killed run left behind removes it and says so', async () => {
    const orphan = `${TASK}-orphan`;
    const state = new StateDir(orphan);
    mkdirSync(state.dir, { recursive: true });
    writeFileSync(state.eventsFile, '');
    const first = await cli(['local', 'down', '--name', orphan], allow(60_000));
    expect(first.code).toBe(0);
    expect(first.output).toContain(`Removed the leftover local state of ${orphan} (no task ${orphan} on `);
    expect(existsSync(state.dir)).toBe(false);
    const again = await cli(['local', 'down', '--name', orphan], allow(60_000));
    expect(again.code).toBe(0);
    expect(again.output).toContain(`Nothing to remove: no task ${orphan} on `);
  });
});
