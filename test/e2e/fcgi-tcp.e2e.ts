/**
 * End-to-end: app.fastcgiTransport "tcp", what a php-fpm image whose own pool listens on TCP sets
 * (README "Fork guide", step 3). The default is the unix socket (fcgi-unix-socket.e2e.ts); this keeps
 * the TCP path running on the engine the runner chooses (SECURE_ECS_ENGINE picks one): the task is
 * synthesized with the setting (`cdk synth -c configFile=`, as a user would) and started with
 * `secure-ecs local up --detach`; pages are served over loopback TCP, php-fpm listens on 127.0.0.1
 * only and is unreachable from the host, and the task has no socket volume. Every expected value is
 * read from the synthesized template.
 */
import { inside, newClient, request, tcpRefused } from './helpers';
import { startTask, stopTask, synthWith, type TaskUnderTest } from './task-under-test';

const TASK = `secure-ecs-e2e-fcgi-tcp-${process.pid}`;
let t: TaskUnderTest;

/** Listening TCP sockets (state 0A) of the task's network namespace, as [local address, port]. */
async function tcpListeners(container: string): Promise<[string, number][]> {
  const r = await inside(container, 'cat /proc/net/tcp');
  expect(r.code).toBe(0);
  return r.out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '0A')
    .map((f) => {
      const [hexIp, hexPort] = f[1].split(':');
      // /proc/net/tcp writes the IPv4 address as one little-endian 32-bit number.
      const ip = [3, 2, 1, 0].map((i) => parseInt(hexIp.slice(i * 2, i * 2 + 2), 16)).join('.');
      return [ip, parseInt(hexPort, 16)] as [string, number];
    });
}

beforeAll(async () => {
  t = await startTask(TASK, { assembly: await synthWith({ app: { fastcgiTransport: 'tcp' } }) });
}, 25 * 60_000);

afterAll(() => stopTask(TASK), 5 * 60_000);

describe('the FastCGI hop over loopback TCP (app.fastcgiTransport "tcp")', () => {
  test('the template has no socket volume and points the proxy at 127.0.0.1:<port>', () => {
    expect(t.task.Volumes).toBeUndefined();
    expect(t.proxyEnv.APP_FASTCGI_ADDRESS).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(t.defs[t.appName].Environment).toBeUndefined();
  });

  test('pages are served, and php-fpm listens on 127.0.0.1 at that port only, unreachable from the host', async () => {
    const r = await request(t.port, '/', { client: newClient() });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/<dt>PHP version<\/dt><dd>\d+\.\d+\.\d+ \(fpm-fcgi\)/);
    const port = Number(t.proxyEnv.APP_FASTCGI_ADDRESS.split(':').pop());
    expect((await tcpListeners(t.ctr(t.appName))).filter(([, p]) => p === port)).toEqual([['127.0.0.1', port]]);
    // From the host, at the task's own address (rootless engines have none the host can reach).
    if (t.taskIp) expect(await tcpRefused(t.taskIp, port)).toMatchObject({ refused: true });
    // The proxy's own port there answers, so the refusal above is php-fpm's, not an unreachable address.
    if (t.taskIp) expect(await tcpRefused(t.taskIp, 8080)).toMatchObject({ refused: false });
  });
});
