import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mergeSettings } from '../../lib/config/load-config';
import { KEPT_CONNECTIONS, poolWithWorkers, renderScriptKeeping, workersFor } from '../../bench/fastcgi-levers';
import { imageFile } from '../../bench/image-files';
import { synthCommand } from '../../bench/devloop';
import { settingsOverProject } from '../../bench/settings-variant';
import { tempDir } from '../helpers/temp-dir';

const ROOT = path.join(__dirname, '..', '..');
const CONTAINERS = path.join(ROOT, 'containers');
const read = (rel: string) => readFileSync(path.join(CONTAINERS, rel), 'utf8');
/** The lines of `b` that differ from `a` (same line count). */
const changedLines = (a: string, b: string) => {
  const [x, y] = [a.split('\n'), b.split('\n')];
  expect(y).toHaveLength(x.length);
  return y.filter((l, i) => l !== x[i]);
};

test('the keep-alive levers change the one keepalive line the renderer writes, and the pool keeps twice as many workers', () => {
  const script = read('proxy/render-nginx-config');
  const pool = read('app/php/pool.conf');
  for (const kept of KEPT_CONNECTIONS) {
    expect(changedLines(script, renderScriptKeeping(script, kept))).toEqual([`        keepalive ${kept};`]);
    // The rule every pool behind the proxy keeps (test/container-configs.test.ts), with the proxy's one nginx worker.
    const workers = workersFor(pool, kept);
    expect(workers).toBeGreaterThanOrEqual(2 * kept);
    expect(changedLines(pool, poolWithWorkers(pool, workers))).toEqual(workers === 5 ? [] : [`pm.max_children = ${workers}`]);
  }
  // The template's pool has 5 workers: 2 kept connections need no more, 3 need 6.
  expect(KEPT_CONNECTIONS.map((k) => workersFor(pool, k))).toEqual([5, 6]);
  expect(() => workersFor('pm = static\n', 2)).toThrow('pool.conf: no pm.max_children line');
});

test('the keep-alive lever throws, naming the file, when its line is missing or ambiguous', () => {
  expect(() => renderScriptKeeping('keepalive_requests 16;\n', 3)).toThrow('render-nginx-config: expected one line matching');
  expect(() => renderScriptKeeping('  keepalive 1;\n  keepalive 2;\n', 3)).toThrow('found 2; update bench/fastcgi-levers.ts');
  expect(() => poolWithWorkers('pm = static\n', 6)).toThrow('pool.conf: expected one line matching');
  expect(() => renderScriptKeeping('keepalive 1;', 0)).toThrow('kept FastCGI connections: got 0');
  expect(() => poolWithWorkers('pm.max_children = 5', 2.5)).toThrow('php-fpm workers: got 2.5');
});

test('imageFile finds a file in a COPY line, also among several sources into a folder', () => {
  const proxy = read('proxy/Dockerfile');
  expect(imageFile(CONTAINERS, proxy, 'render-nginx-config', 'proxy').pathInImage).toBe('/usr/local/bin/render-nginx-config');
  expect(imageFile(CONTAINERS, proxy, 'nginx.conf.template', 'proxy')).toEqual({
    text: read('proxy/nginx.conf.template'),
    pathInImage: '/etc/nginx/templates/nginx.conf.template',
  });
  // The app's build context is its own folder; the proxy's is containers/ (it also copies the app's public files).
  const pool = imageFile(path.join(CONTAINERS, 'app'), read('app/Dockerfile'), 'pool.conf', 'app');
  expect(pool.text).toBe(read('app/php/pool.conf'));
  expect(pool.pathInImage).toMatch(/^\/etc\/php\/[\d.]+\/fpm\/pool\.d\/[\w.-]+\.conf$/);
  expect(() => imageFile(CONTAINERS, proxy, 'pool.conf', 'the proxy image')).toThrow('the proxy image: the Dockerfile does not COPY pool.conf');
  expect(() => imageFile(CONTAINERS, 'COPY a/x b/y /dest\n', 'x', 'img')).toThrow('img: COPY of several files to /dest, which is not a folder');
  // A file copied from another stage is not the context's; --chown and --chmod do not move it.
  expect(() => imageFile(CONTAINERS, 'COPY --from=build proxy/render-nginx-config /bin/\n', 'render-nginx-config', 'img')).toThrow('does not COPY');
  expect(imageFile(CONTAINERS, 'COPY --chown=0:0 --chmod=755 proxy/render-nginx-config /bin/\n', 'render-nginx-config', 'img').pathInImage).toBe(
    '/bin/render-nginx-config',
  );
});

test('settings variants lay their values over the project settings, including a configFile cdk.json names', () => {
  const over = { app: { fastcgiTransport: 'unix' } };
  expect(settingsOverProject(over, JSON.stringify({ context: { 'secure-ecs': {} } }))).toEqual(over);
  const file = path.join(tempDir('secure-ecs-levers-'), 'team.json');
  writeFileSync(file, JSON.stringify({ app: { port: 9000, writablePaths: ['/srv/app/cache'] }, rateLimit: { requestsPerSecond: 5 } }));
  expect(settingsOverProject(over, JSON.stringify({ context: { configFile: file } }))).toEqual({
    app: { port: 9000, writablePaths: ['/srv/app/cache'], fastcgiTransport: 'unix' },
    rateLimit: { requestsPerSecond: 5 },
  });
  writeFileSync(file, '{ "app": ');
  expect(() => settingsOverProject(over, JSON.stringify({ context: { configFile: file } }))).toThrow(
    `the settings file cdk.json names (configFile ${JSON.stringify(file)}): `,
  );
  // Arrays and values replace; only objects merge.
  expect(mergeSettings({ a: [1, 2], b: { c: 1 } }, { a: [3], b: 2 })).toEqual({ a: [3], b: 2 });
});

test('the settings file reaches cdk synth as one shell word, whatever the work folder is called', () => {
  const command = synthCommand('/o', undefined, "/tmp/a b/it's.json");
  expect(command).toMatch(/^npx cdk synth -q --no-notices -o \/o -c /);
  const words = execFileSync('sh', ['-c', `set -- ${command.slice(command.indexOf(' -c ') + 4)}; printf '%s\\n' "$#" "$1"`], { encoding: 'utf8' });
  expect(words).toBe("1\nconfigFile=/tmp/a b/it's.json\n");
});
