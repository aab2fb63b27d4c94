import * as path from 'node:path';

/**
 * The shape of the app the task runs: how the proxy talks to it, which requests are entry points,
 * and where it may write. The configuration schema (lib/config/app-config.ts, section `app`) reads
 * the defaults and the path rules from here, so each is written once; the task definition turns the
 * shape into container settings (tmpfs mounts, the proxy's and the app's environment).
 */

/** How the proxy forwards requests to the app: FastCGI (php-fpm) or plain HTTP (any web server). */
export const APP_PROTOCOLS = ['fastcgi', 'http'] as const;
export type AppProtocol = (typeof APP_PROTOCOLS)[number];

/**
 * How the proxy reaches php-fpm (FastCGI only): `tcp`, a loopback TCP connection to 127.0.0.1:port,
 * or `unix`, a unix socket on a task-scoped tmpfs volume both containers mount (README "CPU per
 * request: the FastCGI hop" has what each costs).
 */
export const APP_FASTCGI_TRANSPORTS = ['tcp', 'unix'] as const;
export type AppFastcgiTransport = (typeof APP_FASTCGI_TRANSPORTS)[number];

/**
 * The transport of an app whose `app.fastcgiTransport` is `chosen` (unset: undefined). Unset, php-fpm
 * on the default port gets the default transport (the unix socket: every pool.conf in this project
 * reads APP_FASTCGI_SOCKET), and anything else gets `tcp`: an HTTP app is reached over TCP, and an
 * app.port of its own says the app's pool listens on that port.
 */
export function fastcgiTransportOf(protocol: AppProtocol, port: number, chosen: AppFastcgiTransport | undefined): AppFastcgiTransport {
  if (chosen !== undefined) return chosen;
  return protocol === 'fastcgi' && port === APP_SHAPE_DEFAULTS.port ? APP_SHAPE_DEFAULTS.fastcgiTransport : 'tcp';
}

/**
 * The most idle FastCGI connections nginx may keep open to php-fpm (the upstream's `keepalive`,
 * containers/proxy/render-nginx-config). Each kept connection holds a php-fpm worker while idle, and
 * the pool needs at least twice as many workers (containers/app/php/pool.conf): 16 kept connections
 * already need 32 workers, more than an app container's memory holds.
 */
export const MAX_FASTCGI_KEPT_CONNECTIONS = 16;

/**
 * Which requests reach the app as scripts. `front-controller`: every request that is not a static
 * file goes to public/index.php. `files`: any `.php` file that exists under the public folder of the
 * image is its own entry point (WordPress, MediaWiki, DokuWiki).
 */
export const APP_ENTRY_POINTS = ['front-controller', 'files'] as const;
export type AppEntryPoints = (typeof APP_ENTRY_POINTS)[number];

/**
 * HTTP methods the proxy may pass to the app: the default three, and the rest of RFC 9110's plus
 * WebDAV's (RFC 4918), CalDAV's (RFC 4791) and PATCH, for an app that speaks them (Radicale,
 * examples/radicale). TRACE and CONNECT are never allowed. Anything else is 405 at the proxy.
 */
export const APP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'REPORT',
  'MKCALENDAR',
] as const;
export type AppMethod = (typeof APP_METHODS)[number];

/** A path the app container may write: a sized tmpfs mounted noexec, nosuid, nodev. */
export interface DeclaredWritablePath {
  /** Absolute, normalized path inside the app container. */
  readonly path: string;
  /** Size of the tmpfs in MiB; its pages count against the app container's memory limit. */
  readonly sizeMiB: number;
}

/** The app's code in the image; the proxy image carries a copy of its public folder (containers/proxy/Dockerfile). */
export const APP_ROOT = '/srv/app';
/** The document root: the same path in both images. */
const APP_PUBLIC_DIR = `${APP_ROOT}/public`;

/**
 * The /tmp tmpfs every container of the task has (sessions, uploads in flight, nginx's temp files).
 * tmpfs pages are charged to the container's memory cgroup
 * (https://docs.kernel.org/admin-guide/cgroup-v2.html#memory), so the size counts against the limit.
 */
export const TMP_PATH = '/tmp';
export const TMP_SIZE_MIB = 16;

/**
 * Memory the app container keeps for its processes whatever the tmpfs mounts take: the declared
 * writable paths may fill at most the app's memory limit minus /tmp minus this.
 */
export const APP_PROCESS_MEMORY_MIB = 64;

/** Most entries of `app.writablePaths`. */
export const MAX_WRITABLE_PATHS = 16;

/** The app's defaults, in the props' units. */
export const APP_SHAPE_DEFAULTS = {
  protocol: 'fastcgi' as AppProtocol,
  /**
   * For php-fpm on the default port (fastcgiTransportOf): the unix socket, measured in `npm run bench`
   * on both engines against TCP (README "The FastCGI levers in the full runs"): 0.89-0.94x task CPU
   * per request and 1.09-1.12x req/s at saturation, and no worse a tail at half load.
   */
  fastcgiTransport: 'unix' as AppFastcgiTransport,
  /**
   * Idle FastCGI connections nginx keeps open to php-fpm. 3, measured in `npm run bench` against 1
   * and 2 (README "The FastCGI levers in the full runs"); the default pool has 6 workers, twice that.
   */
  fastcgiKeptConnections: 3,
  /** php-fpm's listen port in containers/app/php/pool.conf. */
  port: 9000,
  entryPoints: 'front-controller' as AppEntryPoints,
  /** The proxy's built-in allow-list (containers/proxy/render-nginx-config, ALLOWED_METHODS). */
  methods: ['GET', 'HEAD', 'POST'] as AppMethod[],
  writablePaths: [] as DeclaredWritablePath[],
};

/**
 * Directories of the image's operating system: a writable mount on or above one would let the app
 * change its own system, and one below (for example /etc/php) would make part of it writable.
 */
const SYSTEM_DIRS = [
  '/proc',
  '/sys',
  '/dev',
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/boot',
  '/run',
  '/var/run',
  '/var/lib/dpkg',
];

/** Characters a declared path may use: they go into nginx's config and PHP's open_basedir unquoted. */
const PATH_CHARS = /^[A-Za-z0-9._/-]+$/;

/** Whether `inner` is `outer` or lies beneath it. */
export const isWithin = (inner: string, outer: string) => inner === outer || inner.startsWith(outer === '/' ? '/' : `${outer}/`);

/**
 * Why `p` cannot be a writable path of the app container, or undefined. Pure; shared by every kind
 * of declared path (tmpfs today, persistent volumes next), so they follow the same rules.
 */
export function declaredPathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return 'an absolute path (starting with /)';
  if (!PATH_CHARS.test(p)) return "a path of letters, digits and '._/-'";
  if (path.posix.normalize(p) !== p || (p.length > 1 && p.endsWith('/')))
    return `a normalized path, without "//", "." or ".." segments or a trailing "/" (${JSON.stringify(path.posix.normalize(p).replace(/(.)\/$/, '$1'))})`;
  if (p === '/') return 'a directory below /, not the root itself (the root stays read-only)';
  const system = SYSTEM_DIRS.find((d) => isWithin(p, d) || isWithin(d, p));
  if (system) return `a path apart from the system directory ${system} (${SYSTEM_DIRS.join(', ')} are never writable)`;
  if (isWithin(p, TMP_PATH) || isWithin(TMP_PATH, p)) return `a path apart from ${TMP_PATH}, which is always a ${TMP_SIZE_MIB} MiB tmpfs`;
  if (isWithin(APP_PUBLIC_DIR, p))
    return `a path that does not cover the public folder ${APP_PUBLIC_DIR} (a mount there would hide the app's code); a folder inside it is fine`;
  return undefined;
}

/** The path the load balancer's health check requests through the proxy (`app.healthCheckPath`) by default. */
export const DEFAULT_HEALTH_CHECK_PATH = '/healthz';

/** The longest health check path the ALB accepts (TargetGroup HealthCheckPath: 1 to 1024 characters). */
const MAX_HEALTH_CHECK_PATH = 1024;

/**
 * Why `p` cannot be the health check path, or undefined. It becomes the target group's
 * HealthCheckPath and the proxy's exact-match `location = <path>` (unquoted in nginx's config, so
 * only plain URL path characters: no query, fragment, space, quote, `;` or control character). The
 * proxy's render-nginx-config checks the same rules again (HEALTH_CHECK_PATH).
 */
export function healthCheckPathProblem(p: string): string | undefined {
  const allowed = "an absolute URL path of letters, digits and '._~/-' (no query, fragment, spaces or control characters)";
  if (!p.startsWith('/') || !/^[A-Za-z0-9._~/-]+$/.test(p)) return allowed;
  if (p.length > MAX_HEALTH_CHECK_PATH) return `a path of at most ${MAX_HEALTH_CHECK_PATH} characters (the ALB's limit)`;
  // nginx matches the normalized URI: a location with "//", "." or ".." segments would never match.
  if (/\/\/|\/\.\.?(\/|$)/.test(p)) return 'a normalized path, without "//", "." or ".." segments';
  if (/fpm-(ping|status)/i.test(p)) return "a path other than php-fpm's ping and status pages, which the proxy keeps internal";
  return undefined;
}

/** The declared paths that overlap an earlier one, as [index, earlier index] pairs. */
export function nestedPaths(paths: readonly string[]): [number, number][] {
  const pairs: [number, number][] = [];
  paths.forEach((p, i) => {
    const earlier = paths.findIndex((q, j) => j < i && (isWithin(p, q) || isWithin(q, p)));
    if (earlier >= 0) pairs.push([i, earlier]);
  });
  return pairs;
}

/**
 * The URL prefixes of the writable paths (tmpfs or persistent) inside the public folder
 * (`/srv/app/public/uploads` -> `/uploads/`): the proxy never runs a script under them.
 */
export function writableUrlPrefixes(paths: readonly string[]): string[] {
  return paths.filter(isInsidePublicFolder).map((p) => `${p.slice(APP_PUBLIC_DIR.length)}/`);
}

/** Whether a writable path lies inside the public folder, where its files are public (uploads). */
export const isInsidePublicFolder = (p: string) => isWithin(p, APP_PUBLIC_DIR) && p !== APP_PUBLIC_DIR;

/** The largest total of the declared tmpfs sizes for an app container memory limit. */
export const writableBudgetMiB = (appMemoryMiB: number) => appMemoryMiB - TMP_SIZE_MIB - APP_PROCESS_MEMORY_MIB;
