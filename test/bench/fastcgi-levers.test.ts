import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mergeSettings } from '../../lib/config/load-config';
import { KEPT_CONNECTIONS, keepaliveLevers, poolWithWorkers, transportLever, workersFor } from '../../bench/fastcgi-levers';
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

const pool = read('app/php/pool.conf');
/** The project's pool with `n` workers. */
const poolOf = (n: number) => poolWithWorkers(pool, n);
const fastcgi = (kept: string) => ({ APP_FASTCGI_ADDRESS: '127.0.0.1:9000', APP_FASTCGI_KEPT_CONNECTIONS: kept });

test("the keep-alive levers are the counts 1 and 3 but the template's own, the pool grown only below twice the kept connections", () => {
  expect(KEPT_CONNECTIONS).toEqual([1, 3]);
  // The default (3 kept, 6 workers): the old default back, on the same pool.
  expect(keepaliveLevers(fastcgi('3'), poolOf(6))).toEqual([{ kept: 1, workers: 6 }]);
  // The old default (1 kept, 5 workers): 3 kept connections need a sixth worker, the one line changed.
  const [three] = keepaliveLevers(fastcgi('1'), poolOf(5));
  expect(three).toMatchObject({ kept: 3, workers: 6 });
  expect(changedLines(poolOf(5), three.grownPool!)).toEqual(['pm.max_children = 6']);
  // The examples (2 kept; 4 or 5 workers): both counts, only 3 grows the pool; a larger pool never shrinks.
  expect(keepaliveLevers(fastcgi('2'), poolOf(4)).map(({ kept, workers, grownPool }) => [kept, workers, grownPool !== undefined])).toEqual([
    [1, 4, false],
    [3, 6, true],
  ]);
  expect(keepaliveLevers(fastcgi('2'), poolOf(8))).toEqual([
    { kept: 1, workers: 8 },
    { kept: 3, workers: 8 },
  ]);
  // Never a variant equal to the template, and always the rule every pool behind the proxy keeps (test/container-configs.test.ts).
  for (const own of [1, 2, 3, 4])
    for (const workers of [2, 5, 6, 9]) {
      const levers = keepaliveLevers(fastcgi(String(own)), poolOf(workers));
      expect(levers.map((l) => l.kept)).toEqual(KEPT_CONNECTIONS.filter((k) => k !== own));
      for (const l of levers) {
        expect(l.workers).toBe(Math.max(workers, 2 * l.kept));
        expect(l.grownPool === undefined).toBe(l.workers === workers);
      }
    }
});

test('no keep-alive lever for an HTTP app; a FastCGI proxy without the count, or an app without a readable pool, says why', () => {
  expect(keepaliveLevers({ APP_HTTP_ADDRESS: '127.0.0.1:5232' }, undefined)).toEqual([]);
  expect(() => keepaliveLevers({ APP_FASTCGI_ADDRESS: '127.0.0.1:9000' }, pool)).toThrow(
    'the proxy has no APP_FASTCGI_KEPT_CONNECTIONS (a fork from before app.fastcgiKeptConnections)',
  );
  expect(() => keepaliveLevers({}, pool)).toThrow('the proxy has no APP_FASTCGI_KEPT_CONNECTIONS');
  for (const bad of ['0', '2.5', 'x', ''])
    expect(() => keepaliveLevers(fastcgi(bad), pool)).toThrow(`the proxy's APP_FASTCGI_KEPT_CONNECTIONS is ${JSON.stringify(bad)}; expected a whole number`);
  expect(() => keepaliveLevers(fastcgi('3'), undefined)).toThrow('the app image has no pool.conf');
  expect(() => keepaliveLevers(fastcgi('3'), 'pm = static\n')).toThrow('pool.conf: no pm.max_children line');
});

test('the transport lever is the FastCGI transport the template does not use; none for an HTTP app', () => {
  expect(transportLever({ APP_FASTCGI_ADDRESS: '127.0.0.1:9000', APP_FASTCGI_KEPT_CONNECTIONS: '3' })).toBe('unix');
  expect(transportLever({})).toBe('unix'); // the renderer's default address is TCP
  expect(transportLever({ APP_FASTCGI_ADDRESS: 'unix:/run/fcgi/php-fpm.sock' })).toBe('tcp');
  expect(transportLever({ APP_HTTP_ADDRESS: '127.0.0.1:8000' })).toBeUndefined();
  expect(transportLever({ APP_FASTCGI_ADDRESS: '127.0.0.1:9100' })).toBeUndefined(); // a port of its own: the socket is refused there
});

test('the pool transform throws, naming the file, when its line is missing or ambiguous', () => {
  expect(() => poolWithWorkers('pm = static\n', 6)).toThrow('pool.conf: expected one line matching');
  expect(() => poolWithWorkers('pm.max_children = 5\npm.max_children = 6\n', 6)).toThrow('found 2; update bench/fastcgi-levers.ts');
  expect(() => poolWithWorkers('pm.max_children = 5', 2.5)).toThrow('php-fpm workers: got 2.5');
  expect(() => workersFor('pm = static\n', 2)).toThrow('pool.conf: no pm.max_children line');
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
