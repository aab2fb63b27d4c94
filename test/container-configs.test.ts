import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_FASTCGI_KEPT_CONNECTIONS } from '../lib/constructs/app-shape';
import { containerDefinitions, REPO_ROOT, synth } from './helpers/synth';

const CONTAINERS = path.join(REPO_ROOT, 'containers');
const RENDER = path.join(CONTAINERS, 'proxy', 'render-nginx-config');

/** The proxy environment exactly as the synthesized task definition sets it. */
const proxyEnvironment: Record<string, string> = Object.fromEntries(
  containerDefinitions(synth().template).proxy.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]),
);

// Rendering, nginx -t, php -l and shellcheck run in the images themselves: test/e2e/container-configs.e2e.ts.
test('every variable the task definition sets is one the proxy reads', () => {
  const script = readFileSync(RENDER, 'utf8');
  for (const name of Object.keys(proxyEnvironment)) expect(script).toContain(name);
});

test('every variable the task definition may set for the app is one the app image reads', () => {
  const env = containerDefinitions(synth({ app: { port: 9100, writablePaths: [{ path: '/var/lib/app', sizeMiB: 8 }] } }).template).app.Environment;
  const appFiles = ['php/hardening.ini', 'php/pool.conf', 'healthcheck'].map((f) => readFileSync(path.join(CONTAINERS, 'app', f), 'utf8')).join('\n');
  expect(env.map((e: { Name: string }) => e.Name).sort()).toEqual(['APP_OPEN_BASEDIR', 'APP_PORT']);
  for (const { Name } of env) expect(appFiles).toContain(`\${${Name}:-`);
});

/** `key = value` settings of a php-fpm pool file (comments and sections skipped). */
function poolSettings(file: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([a-z_.]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) settings.set(m[1], m[2]);
  }
  return settings;
}

const RENDERER = readFileSync(RENDER, 'utf8');
const TEMPLATE = readFileSync(path.join(CONTAINERS, 'proxy', 'nginx.conf.template'), 'utf8');
/** The FastCGI upstream block the renderer writes, as nginx sees it. */
const UPSTREAM = /upstream fastcgi_app \{([^}]*)\}/.exec(RENDERER)?.[1] ?? '';
const upstreamNumber = (directive: string) => Number(new RegExp(`^\\s*${directive} (\\d+)s?;`, 'm').exec(UPSTREAM)?.[1]);

describe('CPU per request: the FastCGI hop (README "CPU cap, health checks and tail latency")', () => {
  const pool = poolSettings(path.join(CONTAINERS, 'app', 'php', 'pool.conf'));

  test('php-fpm runs a static pool, recycles workers rarely and writes no access log of its own', () => {
    expect(pool.get('pm')).toBe('static');
    expect(Number(pool.get('pm.max_requests'))).toBeGreaterThanOrEqual(5000);
    // any access.log, even /dev/null, makes php-fpm format and write a line per request
    expect(pool.has('access.log')).toBe(false);
  });

  test('nginx keeps FastCGI connections open, bounded in number, requests and idle time', () => {
    expect(RENDERER).toContain('APP_PASS="fastcgi_pass fastcgi_app;"');
    expect(UPSTREAM).toContain('server $APP_FASTCGI_ADDRESS;');
    expect(TEMPLATE).toMatch(/^ {4}fastcgi_keep_conn on;$/m);
    // The kept count comes from the task definition (app.fastcgiKeptConnections), checked like the renderer's other numbers.
    expect(UPSTREAM).toMatch(/^\s*keepalive \$APP_FASTCGI_KEPT_CONNECTIONS;$/m);
    expect(RENDERER).toContain(`check_int APP_FASTCGI_KEPT_CONNECTIONS "$APP_FASTCGI_KEPT_CONNECTIONS" 1 ${MAX_FASTCGI_KEPT_CONNECTIONS}`);
    expect(upstreamNumber('keepalive_requests')).toBeLessThanOrEqual(32);
    expect(upstreamNumber('keepalive_timeout')).toBeLessThanOrEqual(5);
  });

  test("nginx caches try_files' lookups in the image's public folder, never in a writable or persistent one", () => {
    const http = (directive: string) => new RegExp(`^ {4}${directive} ([^;]*);$`, 'm').exec(TEMPLATE)?.[1];
    expect([http('open_file_cache_errors'), http('open_file_cache_min_uses')]).toEqual(['on', '1']);
    const max = Number(/max=(\d+)/.exec(http('open_file_cache') ?? '')?.[1]);
    // Cached descriptors plus the connections (worker_connections counts client and upstream ones; twice
    // that, to be safe) stay under the proxy's nofile limit.
    const connections = Number(/^\s*worker_connections (\d+);$/m.exec(TEMPLATE)?.[1]);
    const nofile = containerDefinitions(synth().template).proxy.Ulimits.find((u: { Name: string }) => u.Name === 'nofile').SoftLimit;
    expect(max).toBeGreaterThan(0);
    expect(max + 2 * connections).toBeLessThanOrEqual(nofile);
    // Each writable or persistent location turns it off: the files there come and go at run time.
    const writable = /location \^~ \$prefix \{([^}]*)/.exec(RENDERER)?.[1] ?? '';
    expect(writable).toMatch(/^\s*open_file_cache off;$/m);
  });

  test('nginx writes its access log in blocks, at most a second late, to stdout only', () => {
    // One write per request costs the engine's log copier about as much CPU as nginx's share of the request (README "The access log (buffered)").
    const logs = [...TEMPLATE.matchAll(/^\s*access_log ([^;]*);$/gm)].map((m) => m[1]);
    expect(logs.filter((l) => l !== 'off')).toEqual([expect.stringMatching(/^\/dev\/stdout access_json buffer=\d+k flush=1s$/)]);
    const bufferKiB = Number(/buffer=(\d+)k/.exec(logs.find((l) => l !== 'off')!)?.[1]);
    // Bounded: a SIGKILL or an OOM kill of the proxy loses at most one block (or one second) of lines.
    expect(bufferKiB).toBeGreaterThanOrEqual(4);
    expect(bufferKiB).toBeLessThanOrEqual(64);
  });

  test("the access log's request id is the ALB's X-Amzn-Trace-Id, not nginx's $request_id", () => {
    // $request_id draws 16 random bytes from OpenSSL per request (about 4 us of the proxy's CPU per
    // request, docs/performance.md) for an id nothing else knows; the ALB's trace id is free and is
    // the one its access logs and X-Ray carry.
    const format = /log_format access_json escape=json\s+((?:'[^']*'\s*)+);/.exec(TEMPLATE)?.[1] ?? '';
    expect(format).toContain('"trace_id":"$http_x_amzn_trace_id"');
    const directives = TEMPLATE.split('\n').filter((l) => !/^\s*#/.test(l));
    expect(directives.filter((l) => /\$request_id\b/.test(l))).toEqual([]);
  });

  // A php-fpm worker serves one connection at a time: the connections nginx may keep (idle cache per
  // nginx worker x nginx workers) must leave at least as many workers free for new connections, in
  // the default app and in every example that runs its own pool behind the same proxy image, each
  // with the kept count its own settings give the proxy (app.fastcgiKeptConnections).
  const pools = [
    { pool: path.join(CONTAINERS, 'app', 'php', 'pool.conf'), settings: {} },
    ...['wordpress', 'mediawiki'].map((example) => ({
      pool: path.join(REPO_ROOT, 'examples', example, 'php', 'pool.conf'),
      settings: JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', example, 'settings.json'), 'utf8')),
    })),
  ];
  test.each(pools.map((p) => [path.relative(REPO_ROOT, p.pool), p]))(
    '%s has at least twice the workers its settings let nginx keep connections to',
    (_name, { pool, settings }) => {
      const nginxWorkers = Number(/^worker_processes (\d+);$/m.exec(TEMPLATE)?.[1]);
      expect(nginxWorkers).toBeGreaterThanOrEqual(1);
      const env = containerDefinitions(synth(settings).template).proxy.Environment;
      const kept = Number(env.find((e: { Name: string }) => e.Name === 'APP_FASTCGI_KEPT_CONNECTIONS')?.Value);
      expect(kept).toBeGreaterThanOrEqual(1);
      expect(Number(poolSettings(pool).get('pm.max_children'))).toBeGreaterThanOrEqual(2 * nginxWorkers * kept);
    },
  );

  // app.fastcgiTransport "unix" sets these for whichever image the task runs: a pool or health check
  // that ignored them would listen on TCP while nginx connects to the socket.
  test.each(pools.map((p) => [path.relative(REPO_ROOT, p.pool), p.pool]))(
    '%s and its health check follow APP_FASTCGI_SOCKET and APP_FASTCGI_BACKLOG',
    (_name, file) => {
      const pool = poolSettings(file);
      expect(pool.get('listen')).toBe('${APP_FASTCGI_SOCKET:-127.0.0.1:${APP_PORT:-9000}}');
      expect(pool.get('listen.backlog')).toBe('${APP_FASTCGI_BACKLOG:-128}');
      expect(pool.get('listen.mode')).toBe('0660');
      const healthcheck = readFileSync(path.join(path.dirname(path.dirname(file)), 'healthcheck'), 'utf8');
      expect(healthcheck).toContain('cgi-fcgi -bind -connect "${APP_FASTCGI_SOCKET:-127.0.0.1:${APP_PORT:-9000}}"');
    },
  );
});
