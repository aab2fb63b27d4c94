/**
 * End-to-end: the `app` settings (issue 20) on real tasks started with `secure-ecs local up` from
 * assemblies synthesized with `-c configFile=` (task-under-test.ts, synthWith):
 * - the default PHP app with `app.entryPoints` "files" and `app.writablePaths`: static files served by
 *   the proxy (never PHP) under the rate limit, scripts only where the image has them, and a `.php`
 *   written into a writable path at run time refused, never executed;
 * - a non-PHP HTTP app (`app.protocol` "http": Python's HTTP server from Debian, test/e2e/fixtures/http-app)
 *   under the same hardening, seeing the forwarding headers the proxy sets and none a client forged.
 * Load stays on 127.0.0.1 and is bounded.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT, inside, newClient, request, type Response } from './helpers';
import { startTask, stopTask, synthWith, type TaskUnderTest } from './task-under-test';

/** The non-PHP HTTP app: Python's HTTP server from Debian, echoing what it receives. */
const FIXTURE = path.join(ROOT, 'test', 'e2e', 'fixtures', 'http-app');

/** PHP's own responses say `Cache-Control: no-store` (containers/app/src/public/index.php); the proxy's static ones cache. */
const fromPhp = (r: Response) => r.headers['cache-control'] === 'no-store';

/** Send `count` requests for `p` from one client, one after another; the statuses. */
async function statuses(port: number, p: string, count: number, client = newClient()): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < count; i++) out.push(await request(port, p, { client }));
  return out;
}

describe('a PHP app with entryPoints "files" and writable paths', () => {
  const TASK = `secure-ecs-e2e-files-${process.pid}`;
  let t: TaskUnderTest;
  let burst = 0;

  beforeAll(async () => {
    const assembly = await synthWith({
      app: {
        entryPoints: 'files',
        writablePaths: [
          { path: '/srv/app/public/uploads', sizeMiB: 8 },
          { path: '/var/lib/app', sizeMiB: 4 },
        ],
      },
    });
    t = await startTask(TASK, { assembly });
    burst = Number(t.proxyEnv.RATE_LIMIT_BURST);
  }, 25 * 60_000);
  afterAll(() => stopTask(TASK), 5 * 60_000);

  test('a static file of the public folder is served by the proxy with ETag, Last-Modified and Cache-Control, and revalidates to 304', async () => {
    const r = await request(t.port, '/robots.txt', { client: newClient() });
    expect(r.status).toBe(200);
    expect(r.body).toBe('User-agent: *\nDisallow:\n');
    expect(fromPhp(r)).toBe(false);
    expect(r.headers['cache-control']).toBe('max-age=3600');
    expect(r.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(r.headers['last-modified']).toBeDefined();
    // The security headers nginx adds to every response.
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    const again = await request(t.port, '/robots.txt', { client: newClient(), headers: { 'If-None-Match': r.headers.etag as string } });
    expect(again.status).toBe(304);
  });

  test('static requests never reach PHP: they are served with php-fpm stopped', async () => {
    // SIGSTOP php-fpm's master and workers (as the container user): a request that reached PHP would time out.
    const stop = await inside(t.ctr(t.appName), 'kill -STOP -1; echo stopped');
    expect(stop.out).toContain('stopped');
    try {
      const r = await request(t.port, '/robots.txt', { client: newClient(), timeoutMs: 3000 });
      expect(r.status).toBe(200);
      await expect(request(t.port, '/', { client: newClient(), timeoutMs: 1500 })).rejects.toThrow(/no response/);
    } finally {
      await inside(t.ctr(t.appName), 'kill -CONT -1');
    }
    expect((await request(t.port, '/', { client: newClient() })).status).toBe(200);
  });

  test('static requests count against the per-client rate limit: 429 with Retry-After', async () => {
    const rs = await statuses(t.port, '/robots.txt', burst + 15);
    const limited = rs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].headers['retry-after']).toBe(t.proxyEnv.RETRY_AFTER_SECONDS);
    expect(new Set(rs.map((r) => r.status))).toEqual(new Set([200, 429]));
  });

  test('a .php file the image has is an entry point; one it has not is 404 from the proxy, not PHP', async () => {
    const script = await request(t.port, '/index.php', { client: newClient() });
    expect(fromPhp(script)).toBe(true);
    const missing = await request(t.port, '/missing.php', { client: newClient() });
    expect(missing.status).toBe(404);
    expect(fromPhp(missing)).toBe(false);
    // The directory index is index.php, run as a script.
    const home = await request(t.port, '/', { client: newClient() });
    expect([home.status, fromPhp(home)]).toEqual([200, true]);
    expect(home.body).toContain('Simple PHP App');
  });

  test('a .php written into a writable path at run time is refused, never executed', async () => {
    const marker = 'EXECUTED-' + 'BY-PHP';
    const write = await inside(
      t.ctr(t.appName),
      `printf '<?php echo "EXECUTED-" . "BY-PHP";' > /srv/app/public/uploads/shell.php && cp /srv/app/public/uploads/shell.php /srv/app/public/uploads/index.php && echo written`,
    );
    expect(write.out).toContain('written');
    for (const p of ['/uploads/shell.php', '/uploads/shell.php/x.css', '/uploads/index.php', '/uploads/', '/uploads/SHELL.php']) {
      const r = await request(t.port, p, { client: newClient() });
      expect([p, r.body.includes(marker)]).toEqual([p, false]);
      expect([p, r.status]).toEqual([p, expect.any(Number)]);
      expect(r.status === 403 || r.status === 404).toBe(true);
    }
    expect((await request(t.port, '/uploads/shell.php', { client: newClient() })).status).toBe(403);
  });

  test('the writable paths are sized noexec,nosuid,nodev tmpfs mounts in open_basedir; the rest of the root stays read-only', async () => {
    const r = await inside(
      t.ctr(t.appName),
      [
        'grep -E " (/srv/app/public/uploads|/var/lib/app) " /proc/mounts',
        'echo data > /var/lib/app/f && echo wrote-var-lib-app',
        'echo data > /srv/app/public/uploads/f && echo wrote-uploads',
        '{ echo data > /srv/app/f; } 2>/dev/null || echo refused-srv-app',
        'php-fpm8.4 -i 2>/dev/null | grep "^open_basedir"',
      ].join('; '),
    );
    expect(r.out).toMatch(/tmpfs \/srv\/app\/public\/uploads tmpfs rw,nosuid,nodev,noexec,\S*size=8192k/);
    expect(r.out).toMatch(/tmpfs \/var\/lib\/app tmpfs rw,nosuid,nodev,noexec,\S*size=4096k/);
    expect(r.out).toContain('wrote-var-lib-app');
    expect(r.out).toContain('wrote-uploads');
    expect(r.out).toContain('refused-srv-app');
    expect(r.out).toContain('open_basedir => /srv/app:/tmp:/var/lib/app');
  });
});

describe('an HTTP app (app.protocol "http")', () => {
  const TASK = `secure-ecs-e2e-http-${process.pid}`;
  let t: TaskUnderTest;
  let containers = '';

  beforeAll(async () => {
    // The project's proxy, and the fixture HTTP app in place of containers/app.
    containers = mkdtempSync(path.join(tmpdir(), 'secure-ecs-e2e-containers-'));
    cpSync(path.join(ROOT, 'containers', 'proxy'), path.join(containers, 'proxy'), { recursive: true });
    cpSync(FIXTURE, path.join(containers, 'app'), { recursive: true });
    const assembly = await synthWith({ app: { protocol: 'http', port: 8000 } }, { containersDir: containers });
    t = await startTask(TASK, { assembly });
  }, 25 * 60_000);
  afterAll(async () => {
    await stopTask(TASK);
    rmSync(containers, { recursive: true, force: true });
  }, 5 * 60_000);

  const echo = (r: Response) => JSON.parse(r.body) as { method: string; path: string; headers: Record<string, string[]> };

  test('the app sees X-Forwarded-For, X-Real-IP, X-Forwarded-Proto and Host as the proxy sets them, none a client forged', async () => {
    const client = newClient();
    const r = await request(t.port, '/some/page?q=1', {
      // A client prepends its own entries; the ALB (here the host) appends the real address.
      xff: `203.0.113.9, ${client}`,
      headers: {
        Host: 'app.example.test',
        'X-Forwarded-Proto': 'gopher',
        'X-Real-IP': '203.0.113.10',
        'X-Forwarded-Host': 'evil.example',
        'X-Forwarded-Port': '1',
        Forwarded: 'for=203.0.113.11;proto=https',
        Proxy: 'http://203.0.113.12',
      },
    });
    expect(r.status).toBe(200);
    const seen = echo(r);
    expect(seen.path).toBe('/some/page?q=1');
    expect(seen.headers['x-forwarded-for']).toEqual([client]);
    expect(seen.headers['x-real-ip']).toEqual([client]);
    expect(seen.headers['x-forwarded-proto']).toEqual(['http']);
    expect(seen.headers.host).toEqual(['app.example.test']);
    for (const forged of ['x-forwarded-host', 'x-forwarded-port', 'forwarded', 'proxy']) expect([forged, seen.headers[forged]]).toEqual([forged, undefined]);
    // From the trusted peer (the ALB's place), https is passed on.
    const https = echo(await request(t.port, '/', { client: newClient(), headers: { 'X-Forwarded-Proto': 'https' } }));
    expect(https.headers['x-forwarded-proto']).toEqual(['https']);
    // The Host header's port is kept (digits only), so the app's absolute URLs work off 80/443.
    const host = async (value: string) => echo(await request(t.port, '/', { client: newClient(), headers: { Host: value } })).headers.host;
    expect(await host('app.example.test:8443')).toEqual(['app.example.test:8443']);
    expect(await host('App.Example.test:8443x')).toEqual(['app.example.test']);
  });

  test('static files of the app folder are served by the proxy; everything else reaches the app', async () => {
    const css = await request(t.port, '/css/site.css', { client: newClient() });
    const file = readFileSync(path.join(FIXTURE, 'src', 'public', 'css', 'site.css'), 'utf8');
    expect([css.status, css.body, css.headers['cache-control']]).toEqual([200, file, 'max-age=3600']);
    const page = await request(t.port, '/css/other.css', { client: newClient() });
    expect(echo(page).path).toBe('/css/other.css');
  });

  test('the proxy keeps its limits: 429 with Retry-After, 405 for other methods, 413 for big bodies, /healthz unlimited', async () => {
    const client = newClient();
    const rs = await statuses(t.port, '/', Number(t.proxyEnv.RATE_LIMIT_BURST) + 15, client);
    const limited = rs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].headers['retry-after']).toBe(t.proxyEnv.RETRY_AFTER_SECONDS);
    expect((await request(t.port, '/healthz', { client })).status).toBe(200);
    const del = await request(t.port, '/', { method: 'DELETE', client: newClient() });
    expect([del.status, del.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
    const big = Buffer.alloc((Number(t.proxyEnv.CLIENT_MAX_BODY_SIZE_KB) + 1) * 1024, 'a');
    expect((await request(t.port, '/', { method: 'POST', body: big, client: newClient() })).status).toBe(413);
    const ok = await request(t.port, '/', { client: newClient() });
    expect(ok.headers['x-frame-options']).toBe('DENY');
  });

  test('the HTTP app runs under the hardening: uid 33, no capabilities, no-new-privileges, read-only root', async () => {
    const r = await inside(t.ctr(t.appName), 'id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; touch /x 2>/dev/null || echo read-only');
    expect(r.out).toMatch(/^33\n/);
    expect(r.out).toMatch(/CapEff:\s+0000000000000000/);
    expect(r.out).toMatch(/NoNewPrivs:\s+1/);
    expect(r.out).toContain('read-only');
  });
});
