/**
 * The FastCGI levers (README "CPU per request: the FastCGI hop") as bench variants, measured against the template in one run, each
 * a setting of the project synthesized again (bench/settings-variant.ts):
 *  - another count of the FastCGI connections nginx keeps open to php-fpm (`app.fastcgiKeptConnections`,
 *    the proxy's APP_FASTCGI_KEPT_CONNECTIONS), with the pool grown where needed to keep the rule every
 *    pool behind the proxy follows: at least twice as many workers as kept connections, so kept
 *    connections never hold every worker (containers/app/php/pool.conf, test/container-configs.test.ts);
 *  - the other FastCGI transport (`app.fastcgiTransport`): TCP where the template uses the unix socket
 *    (the default for php-fpm on the default port), the socket where it uses TCP.
 * The pool is grown by a text transform of the file as the image has it, which changes exactly one
 * line or throws naming the file. Pure.
 */
import { APP_SHAPE_DEFAULTS, type AppFastcgiTransport } from '../lib/constructs/app-shape';
import type { Variant } from './tasks';
import { withFileOver } from './variants';

/** The kept-connection counts measured, but for the template's own: the old default (1) and the new (3, which needs 6 workers). */
export const KEPT_CONNECTIONS: readonly number[] = [1, 3];

/** The proxy's variable for `app.fastcgiKeptConnections`, set where the app speaks FastCGI. */
const KEPT_ENV = 'APP_FASTCGI_KEPT_CONNECTIONS';

/** The transport lever's variant id and label, by the transport it measures. */
const TRANSPORT_VARIANTS: Record<AppFastcgiTransport, { readonly id: string; readonly label: string }> = {
  unix: { id: 'lat-unix', label: 'FastCGI over the unix socket' },
  tcp: { id: 'lat-tcp', label: 'FastCGI over loopback TCP' },
};

/** One keep-alive lever: the kept connections and the php-fpm workers with it. */
export interface KeepaliveLever {
  readonly kept: number;
  /** The pool's own `pm.max_children`, or twice `kept` where the pool has fewer. */
  readonly workers: number;
  /** Only where the pool grows: the pool.conf with `workers`. */
  readonly grownPool?: string;
}

/** The workers a pool needs for `kept` connections: its own `pm.max_children`, or twice `kept` if that is more. */
export function workersFor(pool: string, kept: number): number {
  const m = /^pm\.max_children\s*=\s*(\d+)\s*$/m.exec(pool);
  if (!m) throw new Error('pool.conf: no pm.max_children line; update bench/fastcgi-levers.ts');
  return Math.max(Number(m[1]), 2 * kept);
}

/** Where the proxy reaches php-fpm: its APP_FASTCGI_ADDRESS, unset being the renderer's default 127.0.0.1:<default port>. */
export function fastcgiAddressOf(proxyEnv: Readonly<Record<string, string>>): string {
  return proxyEnv.APP_FASTCGI_ADDRESS ?? `127.0.0.1:${APP_SHAPE_DEFAULTS.port}`;
}

/** The unix socket's path in a FastCGI address (`unix:<path>`), or undefined for TCP. */
export function socketPathOf(address: string): string | undefined {
  return address.startsWith('unix:') ? address.slice('unix:'.length) : undefined;
}

/**
 * The transport lever of a template whose proxy has the environment `proxyEnv`: the FastCGI transport
 * it does not use (its address starts with `unix:` for the socket; unset is the renderer's TCP
 * default). None for an HTTP app (APP_HTTP_ADDRESS), and no socket for a TCP template on a port of
 * its own: the setting refuses the socket there (an app.port says the pool listens on it).
 */
export function transportLever(proxyEnv: Readonly<Record<string, string>>): AppFastcgiTransport | undefined {
  if (proxyEnv.APP_HTTP_ADDRESS !== undefined) return undefined;
  const address = fastcgiAddressOf(proxyEnv);
  if (socketPathOf(address) !== undefined) return 'tcp';
  return address.endsWith(`:${APP_SHAPE_DEFAULTS.port}`) ? 'unix' : undefined;
}

/**
 * The keep-alive levers of a template whose proxy has the environment `proxyEnv` and whose app image
 * has the php-fpm pool `pool` (its text): each count of KEPT_CONNECTIONS but the template's own. None
 * for an HTTP app (APP_HTTP_ADDRESS). Throws, saying why, where they cannot be measured: a FastCGI
 * proxy without APP_FASTCGI_KEPT_CONNECTIONS (a fork from before the setting) or an app without a pool.
 */
export function keepaliveLevers(proxyEnv: Readonly<Record<string, string>>, pool: string | undefined): KeepaliveLever[] {
  if (proxyEnv.APP_HTTP_ADDRESS !== undefined) return [];
  const own = proxyEnv[KEPT_ENV];
  if (own === undefined) throw new Error(`the proxy has no ${KEPT_ENV} (a fork from before app.fastcgiKeptConnections)`);
  if (!/^[1-9]\d*$/.test(own)) throw new Error(`the proxy's ${KEPT_ENV} is ${JSON.stringify(own)}; expected a whole number from 1`);
  if (pool === undefined) throw new Error('the app image has no pool.conf to keep twice as many workers as kept connections');
  const ownWorkers = workersFor(pool, 0);
  return KEPT_CONNECTIONS.filter((kept) => kept !== Number(own)).map((kept) => {
    const workers = workersFor(pool, kept);
    return workers === ownWorkers ? { kept, workers } : { kept, workers, grownPool: poolWithWorkers(pool, workers) };
  });
}

/** The levers of a template: the other transport (`transport`, transportLever) and each keep-alive lever, for the pool in `app`. */
export interface FastcgiLevers {
  readonly transport?: AppFastcgiTransport;
  /** A grown pool (`poolFile`) as a file on the host (the run's work folder) and where it goes in the app image. */
  readonly keepalive: readonly (Omit<KeepaliveLever, 'grownPool'> & { readonly poolFile?: { readonly file: string; readonly pathInImage: string } })[];
  readonly app: string;
}

/** The lever variants, each with `env` (the rate-limit exemption), a grown pool mounted over the one in the app image. */
export function fastcgiLeverVariants(o: FastcgiLevers & { env: Variant['env'] }): Variant[] {
  const settings = (values: Record<string, unknown>) => ({ values, describe: JSON.stringify(values) });
  return [
    ...(o.transport ? [{ ...TRANSPORT_VARIANTS[o.transport], env: o.env, settings: settings({ app: { fastcgiTransport: o.transport } }) }] : []),
    ...o.keepalive.map((k) => ({
      id: `lat-keep${k.kept}`,
      label: `${k.kept} kept FastCGI connection${k.kept === 1 ? '' : 's'}, ${k.workers} php-fpm workers`,
      env: o.env,
      settings: settings({ app: { fastcgiKeptConnections: k.kept } }),
      ...(k.poolFile ? { change: withFileOver(o.app, k.poolFile.file, k.poolFile.pathInImage, `pool.conf with pm.max_children = ${k.workers}`) } : {}),
    })),
  ];
}

/** The php-fpm pool (containers/app/php/pool.conf) with `pm.max_children = <n>`, or a throw naming the file where it has not exactly one such line. */
export function poolWithWorkers(pool: string, workers: number): string {
  if (!(Number.isInteger(workers) && workers >= 1)) throw new Error(`php-fpm workers: got ${workers}; expected a whole number from 1`);
  const pattern = /^pm\.max_children\s*=\s*\d+\s*$/;
  const lines = pool.split('\n');
  const hits = lines.flatMap((l, i) => (pattern.test(l) ? [i] : []));
  if (hits.length !== 1) throw new Error(`pool.conf: expected one line matching ${pattern}, found ${hits.length}; update bench/fastcgi-levers.ts`);
  lines[hits[0]] = `pm.max_children = ${workers}`;
  return lines.join('\n');
}
