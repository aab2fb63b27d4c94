/**
 * The container configuration checked with the binaries that are deployed: the proxy's nginx config
 * is rendered by the proxy image's own script and checked by its own nginx (`nginx -t`); the app's
 * PHP files are linted by the app image's PHP; the container scripts by shellcheck from the images'
 * Debian release. Each runs as a one-off container on the engine the runner chooses, so `npm test`
 * needs no nginx, PHP or shellcheck on the host.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { INSTANCE_USER_DATA_SCRIPT } from '../../lib/host/al2023-user-data';
import type { ContainerEngine } from '../../lib/local/engines/container-engine';
import { ensureBaseImage } from '../../lib/local/images';
import { prepare, type PreparedTask } from '../../lib/local/prepare';
import { ROOT, engine, quiet } from './helpers';

const LABELS = { 'secure-ecs.e2e': 'container-configs' };
const CONTAINERS = path.join(ROOT, 'containers');
let e: ContainerEngine;
let task: PreparedTask;
let proxyEnv: Record<string, string> = {};
let proxyImage = '';
let appImage = '';

function filesUnder(dir: string, accept: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, accept) : accept(full) ? [full] : [];
  });
}

beforeAll(async () => {
  e = await engine();
  // The shared preparation: a current cdk.out and the images `up` runs (built if missing).
  task = await prepare({ taskName: `secure-ecs-e2e-configs-${process.pid}`, projectDir: ROOT, hostPort: 8080, reporter: quiet, engine: e });
  const defs = task.assembly.properties.ContainerDefinitions as any[];
  const proxy = defs.find((d) => d.PortMappings?.length);
  const app = defs.find((d) => d.Name === proxy.DependsOn[0].ContainerName);
  proxyEnv = Object.fromEntries(proxy.Environment.map((v: any) => [v.Name, v.Value]));
  proxyImage = task.images[proxy.Name].ref;
  appImage = task.images[app.Name].ref;
}, 20 * 60_000);

/** Render the nginx config with `env` in the proxy image and check it with its nginx; prints the config on success. */
function renderAndTest(env: Record<string, string>) {
  const script = [
    'set -e',
    'mkdir -p /tmp/check',
    'render-nginx-config /etc/nginx/templates/nginx.conf.template /tmp/check/nginx.conf',
    'nginx -e stderr -t -q -c /tmp/check/nginx.conf',
    'echo "--- nginx -t passed"',
    'cat /tmp/check/nginx.conf',
  ].join('\n');
  return e.runOnce({ image: proxyImage, entrypoint: ['sh', '-c'], cmd: [script], env, labels: LABELS, tmpfs: ['/tmp'], timeoutMs: 60_000 });
}

describe('nginx config, rendered and checked by the proxy image', () => {
  test('with the task definition environment it passes nginx -t and carries the template values', async () => {
    const r = await renderAndTest(proxyEnv);
    expect([r.code, r.output]).toEqual([0, expect.stringContaining('--- nginx -t passed')]);
    expect(r.output).toContain(`rate=${proxyEnv.RATE_LIMIT_PER_SECOND}r/s`);
    expect(r.output).toMatch(new RegExp(`burst=${proxyEnv.RATE_LIMIT_BURST} nodelay`));
    for (const cidr of proxyEnv.TRUSTED_PROXY_CIDRS.split(',')) expect(r.output).toContain(`set_real_ip_from ${cidr};`);
    expect(r.output).toContain('location = /healthz {');
  });

  test('non-default settings render and pass nginx -t', async () => {
    const r = await renderAndTest({ ...proxyEnv, RATE_LIMIT_PER_SECOND: '3', RATE_LIMIT_BURST: '0', TRUSTED_PROXY_CIDRS: '10.1.0.0/24,fd00::/8' });
    expect([r.code, r.output]).toEqual([0, expect.stringContaining('--- nginx -t passed')]);
    expect(r.output).toContain('rate=3r/s');
    expect(r.output).toContain('set_real_ip_from fd00::/8;');
  });

  test('the config carries the hardening directives', async () => {
    const r = await renderAndTest(proxyEnv);
    for (const directive of [
      'server_tokens off;',
      'limit_req_status 429;',
      'limit_conn_status 429;',
      'real_ip_header X-Forwarded-For;',
      'real_ip_recursive on;',
      'listen 8080',
      'pid /tmp/nginx/nginx.pid;',
      'fastcgi_hide_header X-Powered-By;',
      'Retry-After',
      'X-Content-Type-Options',
    ]) {
      expect(r.output).toContain(directive);
    }
  });

  test('FastCGI goes through a bounded keep-alive upstream; an HTTP app keeps its plain proxy_pass', async () => {
    const fastcgi = await renderAndTest(proxyEnv);
    expect(fastcgi.output).toMatch(/upstream fastcgi_app \{\s+server \S+;\s+keepalive 3;\s+keepalive_requests 16;\s+keepalive_timeout 2s;\s+\}/);
    // The template's address: the unix socket (app.fastcgiTransport "unix", the default).
    expect(fastcgi.output).toContain(`server ${proxyEnv.APP_FASTCGI_ADDRESS};`);
    expect(proxyEnv.APP_FASTCGI_ADDRESS).toMatch(/^unix:\//);
    expect(fastcgi.output).toContain('fastcgi_keep_conn on;');
    expect(fastcgi.output).not.toMatch(/^\s*fastcgi_pass (?!fastcgi_app;)/m);
    const http = await renderAndTest(
      Object.fromEntries(Object.entries({ ...proxyEnv, APP_HTTP_ADDRESS: '127.0.0.1:8000' }).filter(([k]) => !k.startsWith('APP_FASTCGI_'))),
    );
    expect([http.code, http.output]).toEqual([0, expect.stringContaining('--- nginx -t passed')]);
    expect(http.output).not.toContain('upstream fastcgi_app');
  });

  test.each([
    [
      'entry points "files" with writable public folders',
      { APP_ENTRY_POINTS: 'files', WRITABLE_URL_PREFIXES: '/uploads/,/media/cache/' },
      [
        'index index.php index.html;',
        'location ^~ /media/cache/ {',
        'open_file_cache off;',
        'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;',
      ],
    ],
    [
      'an HTTP app',
      { APP_FASTCGI_ADDRESS: undefined, APP_FASTCGI_KEPT_CONNECTIONS: undefined, APP_HTTP_ADDRESS: '127.0.0.1:8000' },
      ['proxy_pass http://127.0.0.1:8000;', 'proxy_set_header X-Forwarded-For $remote_addr;'],
    ],
    [
      'a CalDAV app (ALLOWED_METHODS)',
      {
        APP_FASTCGI_ADDRESS: undefined,
        APP_FASTCGI_KEPT_CONNECTIONS: undefined,
        APP_HTTP_ADDRESS: '127.0.0.1:5232',
        ALLOWED_METHODS: 'GET,HEAD,PUT,PROPFIND,REPORT,MKCALENDAR',
      },
      ['if ($request_method !~ ^(GET|HEAD|PUT|PROPFIND|REPORT|MKCALENDAR)$) {', '"405:" "GET, HEAD, PUT, PROPFIND, REPORT, MKCALENDAR";'],
    ],
    ['a health check path of the app (HEALTH_CHECK_PATH, a dotfile path)', { HEALTH_CHECK_PATH: '/.web/' }, ['location = /.web/ {']],
    ['one kept FastCGI connection (APP_FASTCGI_KEPT_CONNECTIONS)', { APP_FASTCGI_KEPT_CONNECTIONS: '1' }, ['keepalive 1;']],
  ])('%s: renders and passes nginx -t', async (_name, change, expected) => {
    const env = Object.fromEntries(Object.entries({ ...proxyEnv, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const r = await renderAndTest(env);
    expect([r.code, r.output]).toEqual([0, expect.stringContaining('--- nginx -t passed')]);
    for (const line of expected) expect(r.output).toContain(line);
  });

  test.each([
    ['APP_ENTRY_POINTS', { APP_ENTRY_POINTS: 'all' }],
    [
      'APP_ENTRY_POINTS',
      { APP_ENTRY_POINTS: 'files', APP_FASTCGI_ADDRESS: undefined, APP_FASTCGI_KEPT_CONNECTIONS: undefined, APP_HTTP_ADDRESS: '127.0.0.1:8000' },
    ],
    ['APP_HTTP_ADDRESS', { APP_HTTP_ADDRESS: '127.0.0.1:8000' }],
    ['APP_HTTP_ADDRESS', { APP_FASTCGI_ADDRESS: undefined, APP_FASTCGI_KEPT_CONNECTIONS: undefined, APP_HTTP_ADDRESS: 'unix:/tmp/app.sock' }],
    // FastCGI's kept connections with an HTTP app: one app protocol, as with APP_FASTCGI_ADDRESS.
    ['APP_HTTP_ADDRESS', { APP_FASTCGI_ADDRESS: undefined, APP_HTTP_ADDRESS: '127.0.0.1:8000' }],
    ['APP_FASTCGI_KEPT_CONNECTIONS', { APP_FASTCGI_KEPT_CONNECTIONS: '0' }],
    ['APP_FASTCGI_KEPT_CONNECTIONS', { APP_FASTCGI_KEPT_CONNECTIONS: '17' }],
    ['APP_FASTCGI_KEPT_CONNECTIONS', { APP_FASTCGI_KEPT_CONNECTIONS: '3; evil' }],
    ['WRITABLE_URL_PREFIXES', { WRITABLE_URL_PREFIXES: '/up;evil/' }],
    ['WRITABLE_URL_PREFIXES', { WRITABLE_URL_PREFIXES: '/uploads' }],
    ['WRITABLE_URL_PREFIXES', { WRITABLE_URL_PREFIXES: '/a/../b/' }],
    ['ALLOWED_METHODS', { ALLOWED_METHODS: 'GET,HEAD,TRACE' }],
    ['ALLOWED_METHODS', { ALLOWED_METHODS: 'GET,POST' }],
    ['ALLOWED_METHODS', { ALLOWED_METHODS: 'GET,HEAD,GET' }],
    ['ALLOWED_METHODS', { ALLOWED_METHODS: 'GET,HEAD,.*' }],
    ['HEALTH_CHECK_PATH', { HEALTH_CHECK_PATH: 'healthz' }],
    ['HEALTH_CHECK_PATH', { HEALTH_CHECK_PATH: '/health;return 200' }],
    ['HEALTH_CHECK_PATH', { HEALTH_CHECK_PATH: '/health {' }],
    ['HEALTH_CHECK_PATH', { HEALTH_CHECK_PATH: '/health?x=1' }],
    ['HEALTH_CHECK_PATH', { HEALTH_CHECK_PATH: '/a/../fpm-status' }],
    ['HEALTH_CHECK_PATH', { HEALTH_CHECK_PATH: '/FPM-Ping' }],
  ])('an invalid app setting %s (%j) stops start-up with a message naming it', async (name, change) => {
    const env = Object.fromEntries(Object.entries({ ...proxyEnv, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const r = await renderAndTest(env);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(name);
    expect(r.output).not.toContain('--- nginx -t passed');
  });

  test.each([
    ['RATE_LIMIT_PER_SECOND', '0'],
    ['RATE_LIMIT_PER_SECOND', 'ten'],
    ['RATE_LIMIT_BURST', '-1'],
    ['TRUSTED_PROXY_CIDRS', ''],
    ['TRUSTED_PROXY_CIDRS', '10.0.0.0/26;evil'],
  ])('an invalid %s=%j stops start-up with a message naming it', async (name, value) => {
    const r = await renderAndTest({ ...proxyEnv, [name]: value });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(name);
    expect(r.output).not.toContain('--- nginx -t passed');
  });
});

test("php -l with the app image's PHP: every PHP file of containers/app/src, as deployed in the image", async () => {
  const sources = filesUnder(path.join(CONTAINERS, 'app', 'src'), (f) => f.endsWith('.php')).map((f) => path.relative(path.join(CONTAINERS, 'app', 'src'), f));
  expect(sources.length).toBeGreaterThan(0);
  const r = await e.runOnce({
    image: appImage,
    entrypoint: ['sh', '-c'],
    cmd: ['cd /srv/app && for f in "$@"; do php -l "$f" || exit 1; done', 'php-lint', ...sources],
    labels: LABELS,
    timeoutMs: 60_000,
  });
  expect([r.code, r.output]).toEqual([0, expect.any(String)]);
  for (const f of sources) expect(r.output).toContain(`No syntax errors detected in ${f}`);
});

test(
  "the container scripts and the hosts' hardening script pass shellcheck",
  async () => {
    const isScript = (f: string) => /^#!(\/bin\/(ba)?sh|\/usr\/bin\/env bash)/.test(readFileSync(f, 'utf8'));
    const scripts = filesUnder(CONTAINERS, isScript).map((f) => path.relative(CONTAINERS, f));
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    const dockerfile = readFileSync(path.join(__dirname, 'tools', 'shellcheck.Dockerfile'), 'utf8');
    const image = `localhost/secure-ecs-shellcheck:${createHash('sha256').update(dockerfile).digest('hex').slice(0, 16)}`;
    if (!(await e.imageExists(image))) {
      await ensureBaseImage(e, task.facts, 'debian:trixie-slim', quiet);
      const dir = mkdtempSync(path.join(tmpdir(), 'shellcheck-image-'));
      try {
        writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
        await e.buildImage({ tag: image, contextDir: dir, dockerfile: 'Dockerfile', labels: LABELS, buildArgs: {} }, () => undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const r = await e.runOnce({ image, cmd: scripts.map((s) => `/src/${s}`), binds: [`${CONTAINERS}:/src:ro`], labels: LABELS, timeoutMs: 120_000 });
    expect([r.code, r.output]).toEqual([0, '']);
    // The hosts' hardening script (EC2 user data), at style severity.
    const host = await e.runOnce({
      image,
      cmd: ['--severity=style', `/host/${path.basename(INSTANCE_USER_DATA_SCRIPT)}`],
      binds: [`${path.dirname(INSTANCE_USER_DATA_SCRIPT)}:/host:ro`],
      labels: LABELS,
      timeoutMs: 120_000,
    });
    expect([host.code, host.output]).toEqual([0, '']);
  },
  10 * 60_000,
);
