/**
 * The FastCGI levers of issue 21 as bench variants, measured against the template in one run:
 *  - more FastCGI connections nginx keeps open to php-fpm (the upstream's `keepalive`, 1 in the
 *    template), with the pool grown to keep the rule every pool behind the proxy follows: at least
 *    twice as many workers as kept connections, so kept connections never hold every worker
 *    (containers/app/php/pool.conf, test/container-configs.test.ts);
 *  - the unix socket (`app.fastcgiTransport` "unix"), synthesized as the setting makes it.
 * Text transforms of the files as the images have them (pure): each changes exactly one line, or
 * throws naming the file, so a changed file cannot silently make a variant equal the template.
 */

/** Kept FastCGI connections in the keep-alive variant (README: 3 and 4 measured alike). */
export const KEPT_CONNECTIONS = 3;
/** Its php-fpm workers: twice the kept connections. */
export const POOL_WORKERS = 2 * KEPT_CONNECTIONS;

/** The settings of the unix socket variant, over the project's. */
export const UNIX_SOCKET_SETTINGS = { app: { fastcgiTransport: 'unix' } } as const;

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

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `over` laid over `base`: objects merge key by key, anything else in `over` replaces. */
export function overlaySettings(base: unknown, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? overlaySettings(out[k], v) : v;
  return out;
}
