/**
 * The FastCGI levers of issue 21 as bench variants, measured against the template in one run:
 *  - more FastCGI connections nginx keeps open to php-fpm (the upstream's `keepalive`, 1 in the
 *    template), with the pool grown where needed to keep the rule every pool behind the proxy
 *    follows: at least twice as many workers as kept connections, so kept connections never hold
 *    every worker (containers/app/php/pool.conf, test/container-configs.test.ts);
 *  - the unix socket (`app.fastcgiTransport` "unix"), synthesized as the setting makes it;
 *  - the socket and the most kept connections together.
 * Text transforms of the files as the images have them: each changes exactly one line, or throws
 * naming the file, so a changed file cannot silently make a variant equal the template. Pure.
 */
import type { Variant } from './tasks';
import { composeChanges, withFileOver, type TaskChange } from './variants';

/** The kept-connection counts measured (README: 2 adds no worker to the template's 5; 3 needs 6). */
export const KEPT_CONNECTIONS: readonly number[] = [2, 3];

/** The settings of the unix socket variant, over the project's. */
const UNIX_SOCKET_SETTINGS = { app: { fastcgiTransport: 'unix' } } as const;

/** One keep-alive lever's files on the host (the run's work folder) and where they go in the images. */
export interface KeepaliveLeverFiles {
  readonly kept: number;
  /** php-fpm workers with this lever: the pool's own, or twice `kept` where the pool has fewer. */
  readonly workers: number;
  readonly proxy: string;
  readonly renderScript: { readonly file: string; readonly pathInImage: string };
  readonly app: string;
  /** Only where the pool grows. */
  readonly pool?: { readonly file: string; readonly pathInImage: string };
}

/** The workers a pool needs for `kept` connections: its own `pm.max_children`, or twice `kept` if that is more. */
export function workersFor(pool: string, kept: number): number {
  const m = /^pm\.max_children\s*=\s*(\d+)\s*$/m.exec(pool);
  if (!m) throw new Error('pool.conf: no pm.max_children line; update bench/fastcgi-levers.ts');
  return Math.max(Number(m[1]), 2 * kept);
}

/**
 * The lever variants: the unix socket (`unixSocket`: the template reaches php-fpm over TCP), each
 * keep-alive lever (`keepalive`: a php-fpm pool behind the proxy's renderer), and the socket with the
 * last keep-alive lever, each with `env` (the rate-limit exemption).
 */
export function fastcgiLeverVariants(o: { unixSocket: boolean; keepalive: readonly KeepaliveLeverFiles[]; env: Variant['env'] }): Variant[] {
  const unix = { values: UNIX_SOCKET_SETTINGS, describe: JSON.stringify(UNIX_SOCKET_SETTINGS) };
  const keep = (k: KeepaliveLeverFiles): TaskChange => {
    const render = withFileOver(k.proxy, k.renderScript.file, k.renderScript.pathInImage, `render-nginx-config with keepalive ${k.kept}`);
    return k.pool ? composeChanges(render, withFileOver(k.app, k.pool.file, k.pool.pathInImage, `pool.conf with pm.max_children = ${k.workers}`)) : render;
  };
  const label = (k: KeepaliveLeverFiles) => `${k.kept} kept FastCGI connections, ${k.workers} php-fpm workers`;
  const last = o.keepalive.at(-1);
  return [
    ...(o.unixSocket ? [{ id: 'lat-unix', label: 'FastCGI over the unix socket', env: o.env, settings: unix }] : []),
    ...o.keepalive.map((k) => ({ id: `lat-keep${k.kept}`, label: label(k), env: o.env, change: keep(k) })),
    ...(o.unixSocket && last
      ? [{ id: `lat-unix-keep${last.kept}`, label: `the unix socket and ${label(last)}`, env: o.env, settings: unix, change: keep(last) }]
      : []),
  ];
}

function replaceOneLine(text: string, pattern: RegExp, replacement: (line: string) => string, what: string): string {
  const lines = text.split('\n');
  const hits = lines.flatMap((l, i) => (pattern.test(l) ? [i] : []));
  if (hits.length !== 1) throw new Error(`${what}: expected one line matching ${pattern}, found ${hits.length}; update bench/fastcgi-levers.ts`);
  lines[hits[0]] = replacement(lines[hits[0]]);
  return lines.join('\n');
}

/** The proxy's config renderer (containers/proxy/render-nginx-config) writing `keepalive <n>;` in the FastCGI upstream. */
export function renderScriptKeeping(script: string, connections: number): string {
  if (!(Number.isInteger(connections) && connections >= 1)) throw new Error(`kept FastCGI connections: got ${connections}; expected a whole number from 1`);
  return replaceOneLine(script, /^\s*keepalive \d+;\s*$/, (l) => l.replace(/\d+/, String(connections)), 'render-nginx-config');
}

/** The php-fpm pool (containers/app/php/pool.conf) with `pm.max_children = <n>`. */
export function poolWithWorkers(pool: string, workers: number): string {
  if (!(Number.isInteger(workers) && workers >= 1)) throw new Error(`php-fpm workers: got ${workers}; expected a whole number from 1`);
  return replaceOneLine(pool, /^pm\.max_children\s*=\s*\d+\s*$/, () => `pm.max_children = ${workers}`, 'pool.conf');
}
