/**
 * The variants the benchmark compares, derived from the runner's translation of the template
 * (lib/local/translate/task.ts): nothing here re-declares a hardening value. Each transform works on
 * the `podman create` / `podman pod create` arguments the translator produced and removes or
 * replaces exactly the flags it names, so the report can say precisely what differs.
 *
 * Pure (no I/O).
 */

/** `podman create` flags the translator emits, with whether each takes a value. */
const FLAG_ARITY: Record<string, 0 | 1> = {
  '--name': 1,
  '--pod': 1,
  '--label': 1,
  '--cpu-shares': 1,
  '--memory': 1,
  '--memory-reservation': 1,
  '--memory-swap': 1,
  '--memory-swappiness': 1,
  '--shm-size': 1,
  '--env': 1,
  '--secret': 1,
  '--stop-timeout': 1,
  '--hostname': 1,
  '--user': 1,
  '--workdir': 1,
  '--security-opt': 1,
  '--ulimit': 1,
  '--health-cmd': 1,
  '--health-interval': 1,
  '--health-timeout': 1,
  '--health-retries': 1,
  '--health-start-period': 1,
  '--sysctl': 1,
  '--tmpfs': 1,
  '--cap-drop': 1,
  '--cap-add': 1,
  '--device': 1,
  '--cgroupns': 1,
  '--cgroups': 1,
  '--pull': 1,
  '--entrypoint': 1,
  '--volume': 1,
  '--read-only': 0,
  '--read-only-tmpfs=false': 0,
  '--init': 0,
  '--privileged': 0,
  '--interactive': 0,
  '--tty': 0,
  '--no-healthcheck': 0,
};

export interface ParsedCreateArgs {
  /** Flags in order, each with its value (undefined for a boolean flag). */
  readonly flags: { readonly flag: string; readonly value?: string }[];
  readonly image: string;
  readonly command: string[];
}

/** Split `podman create` arguments into flags, the image and the command; an unknown flag throws. */
function parseCreateArgs(args: readonly string[]): ParsedCreateArgs {
  const flags: { flag: string; value?: string }[] = [];
  let i = 0;
  while (i < args.length && args[i].startsWith('--')) {
    const flag = args[i];
    const arity = FLAG_ARITY[flag];
    if (arity === undefined) throw new Error(`bench/variants.ts does not know the podman flag ${flag}: teach FLAG_ARITY what it means before benchmarking it`);
    flags.push(arity ? { flag, value: args[i + 1] } : { flag });
    i += 1 + arity;
  }
  if (i >= args.length) throw new Error('podman create arguments without an image');
  return { flags, image: args[i], command: args.slice(i + 1) };
}

function formatCreateArgs(p: ParsedCreateArgs): string[] {
  return [...p.flags.flatMap((f) => (f.value === undefined ? [f.flag] : [f.flag, f.value])), p.image, ...p.command];
}

/** One change a transform made, for the report. */
export interface Change {
  readonly container: string;
  readonly removed: string[];
  readonly added: string[];
}

export interface UnhardenOptions {
  /** Also remove every resource limit (memory, CPU shares, ulimits, tmpfs size). */
  readonly removeLimits: boolean;
  /** The image's CMD (used when the definition has no Command and the process must be told it may run as root). */
  readonly imageCmd?: string[];
}

const LIMIT_FLAGS = new Set(['--memory', '--memory-reservation', '--memory-swap', '--cpu-shares', '--ulimit']);
const TMPFS_HARDENING_OPTIONS = new Set(['noexec', 'nosuid', 'nodev']);
/** php-fpm refuses to start as uid 0 unless told so (`ERROR: FPM initialization failed`). */
const PHP_FPM_ROOT_FLAG = '--allow-to-run-as-root';

/**
 * The "unhardened" container: writable root filesystem, the engine's default capabilities, root
 * (uid 0), no no-new-privileges, no init process, /tmp without noexec/nosuid/nodev; with
 * `removeLimits` also no memory limit or reservation, no CPU shares and podman's default ulimits (the
 * containers.conf of the runner), and a /tmp without a size. Health checks, restart policy, the
 * environment, the entrypoint and everything else stay as translated.
 */
export function unhardenContainer(name: string, args: readonly string[], o: UnhardenOptions): { args: string[]; change: Change } {
  const p = parseCreateArgs(args);
  const removed: string[] = [];
  const added: string[] = [];
  const flags: { flag: string; value?: string }[] = [];
  const show = (f: { flag: string; value?: string }) => (f.value === undefined ? f.flag : `${f.flag} ${f.value}`);
  for (const f of p.flags) {
    const drop =
      f.flag === '--read-only' ||
      f.flag === '--read-only-tmpfs=false' ||
      f.flag === '--init' ||
      f.flag === '--cap-drop' ||
      (f.flag === '--security-opt' && f.value === 'no-new-privileges') ||
      f.flag === '--user' ||
      (o.removeLimits && LIMIT_FLAGS.has(f.flag));
    if (drop) {
      removed.push(show(f));
      continue;
    }
    if (f.flag === '--tmpfs' && f.value) {
      const [mountPath, opts = ''] = f.value.split(/:(.*)/s);
      const kept = opts.split(',').filter((opt) => opt && !TMPFS_HARDENING_OPTIONS.has(opt) && !(o.removeLimits && opt.startsWith('size=')));
      const value = `${mountPath}:${kept.join(',')}`;
      if (value !== f.value) {
        removed.push(show(f));
        added.push(`--tmpfs ${value}`);
      }
      flags.push({ flag: '--tmpfs', value });
      continue;
    }
    flags.push(f);
  }
  flags.push({ flag: '--user', value: '0:0' });
  added.push('--user 0:0');
  let command = p.command;
  const cmd = command.length ? command : (o.imageCmd ?? []);
  if (/(^|\/)php-fpm[\d.]*$/.test(cmd[0] ?? '') && !cmd.includes(PHP_FPM_ROOT_FLAG) && !cmd.includes('-R')) {
    command = [...cmd, PHP_FPM_ROOT_FLAG];
    added.push(`command ${JSON.stringify(command)} (the image's CMD plus ${PHP_FPM_ROOT_FLAG}: php-fpm refuses uid 0 without it)`);
  }
  return { args: formatCreateArgs({ flags, image: p.image, command }), change: { container: name, removed, added } };
}

/** The pod without the task-level CPU quota and memory limit (`--cpus`, `--memory`). */
export function podWithoutLimits(args: readonly string[]): { args: string[]; removed: string[] } {
  const out: string[] = [];
  const removed: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--cpus' || args[i] === '--memory') {
      removed.push(`${args[i]} ${args[i + 1]}`);
      i++;
      continue;
    }
    out.push(args[i]);
  }
  return { args: out, removed };
}

/** Add flags just before the image (e.g. a bind mount). */
export function withExtraFlags(args: readonly string[], extra: string[]): string[] {
  const p = parseCreateArgs(args);
  const flags = [...p.flags];
  for (let i = 0; i < extra.length;) {
    const arity = FLAG_ARITY[extra[i]];
    if (arity === undefined) throw new Error(`unknown flag ${extra[i]}`);
    flags.push(arity ? { flag: extra[i], value: extra[i + 1] } : { flag: extra[i] });
    i += 1 + arity;
  }
  return formatCreateArgs({ ...p, flags });
}

/** What the "features off" proxy template leaves out, by feature. Each pattern must match at least one line. */
const PROXY_FEATURES: readonly { readonly feature: string; readonly pattern: RegExp }[] = [
  {
    feature: 'real client address (realip: set_real_ip_from, real_ip_header, real_ip_recursive)',
    pattern: /^\s*(\$\{SET_REAL_IP_FROM_LINES\}|set_real_ip_from\b|real_ip_header\b|real_ip_recursive\b)/,
  },
  // The zones (limit_req_zone, limit_conn_zone) stay: they cost nothing per request, and the locations
  // the renderer writes for .php URIs (render-nginx-config, SCRIPT_LOCATIONS) refer to them. The
  // bench's requests (GET /) go through the template's own locations, whose limits are removed.
  {
    feature: 'per-client request rate limit (limit_req, limit_req_status, limit_req_log_level)',
    pattern: /^\s*limit_req(_status|_log_level)?\b/,
  },
  {
    feature: 'per-client connection limit (limit_conn, limit_conn_status, limit_conn_log_level)',
    pattern: /^\s*limit_conn(_status|_log_level)?\b/,
  },
  { feature: 'response headers (every add_header: the security headers, HSTS, Retry-After, Allow)', pattern: /^\s*add_header\b/ },
];

/**
 * The proxy template without the features (a bench-only transform of containers/proxy/nginx.conf.template):
 * the lines matching PROXY_FEATURES are removed, nothing else changes (the renderer, the FastCGI
 * path, logging, timeouts, the method allow-list and the locations stay).
 */
export function templateWithoutFeatures(template: string): { text: string; removed: { feature: string; lines: string[] }[] } {
  const lines = template.split('\n');
  const removed = PROXY_FEATURES.map((f) => ({ feature: f.feature, lines: [] as string[] }));
  const kept = lines.filter((line) => {
    if (/^\s*#/.test(line)) return true;
    const i = PROXY_FEATURES.findIndex((f) => f.pattern.test(line));
    if (i < 0) return true;
    removed[i].lines.push(line.trim());
    return false;
  });
  for (const r of removed) {
    if (!r.lines.length) throw new Error(`the proxy template has no line for "${r.feature}" any more: update PROXY_FEATURES in bench/variants.ts`);
  }
  return { text: kept.join('\n'), removed };
}

/** A transform of one container's `podman create` arguments (a latency variant), with what it changed. */
export type CreateTransform = (args: readonly string[]) => { args: string[]; removed: string[]; added: string[] };

/** Remove the flags `drop` selects and add `add` (flag, value pairs or boolean flags) before the image. */
function editFlags(args: readonly string[], drop: (f: { flag: string; value?: string }) => boolean, add: { flag: string; value?: string }[]) {
  const p = parseCreateArgs(args);
  const show = (f: { flag: string; value?: string }) => (f.value === undefined ? f.flag : `${f.flag} ${f.value}`);
  const removed = p.flags.filter(drop).map(show);
  const flags = [...p.flags.filter((f) => !drop(f)), ...add];
  return { args: formatCreateArgs({ ...p, flags }), removed, added: add.map(show) };
}

/** The health check probed every `seconds` instead of the definition's interval. */
export function withHealthInterval(seconds: number): CreateTransform {
  if (!(Number.isInteger(seconds) && seconds >= 5 && seconds <= 300))
    throw new Error(`health-check interval: got ${seconds}; ECS allows whole seconds from 5 to 300 (HealthCheck.Interval)`);
  return (args) => {
    if (!parseCreateArgs(args).flags.some((f) => f.flag === '--health-interval')) throw new Error('withHealthInterval: the container has no --health-interval');
    return editFlags(args, (f) => f.flag === '--health-interval', [{ flag: '--health-interval', value: `${seconds}s` }]);
  };
}

/**
 * conmon back inside the pod cgroup (podman's default, --cgroups=enabled): the local placement
 * before conmon moved out of the task cgroup (README "CPU cap, health checks and tail latency").
 */
export const withConmonInPod: CreateTransform = (args) => {
  if (!parseCreateArgs(args).flags.some((f) => f.flag === '--cgroups' && f.value === 'no-conmon'))
    throw new Error('withConmonInPod: the translator no longer emits --cgroups no-conmon; update bench/variants.ts');
  return editFlags(args, (f) => f.flag === '--cgroups', []);
};

/** Apply transforms in order, collecting what they changed. */
export function composeTransforms(...ts: CreateTransform[]): CreateTransform {
  return (args) => {
    let cur = [...args];
    const removed: string[] = [];
    const added: string[] = [];
    for (const t of ts) {
      const r = t(cur);
      cur = r.args;
      removed.push(...r.removed);
      added.push(...r.added);
    }
    return { args: cur, removed, added };
  };
}

/** The pod without its CPU quota (`--cpus`), memory limit kept: the task's capacity without the cap. */
export function podWithoutCpuCap(args: readonly string[]): { args: string[]; removed: string[] } {
  const i = args.indexOf('--cpus');
  if (i < 0) return { args: [...args], removed: [] };
  return { args: [...args.slice(0, i), ...args.slice(i + 2)], removed: [`--cpus ${args[i + 1]}`] };
}

/**
 * The nginx floor: the same template with the public `location /` answering `return 200` itself
 * instead of trying a static file and passing to php-fpm. `return` ends the request in nginx's
 * rewrite phase, before limit_req and limit_conn
 * (https://nginx.org/en/docs/dev/development_guide.html#http_phases); the response headers and the
 * access log still run.
 */
export function templateReturning200(template: string): string {
  const pass = 'try_files ${TRY_FILES} @app;';
  const start = template.indexOf('location / {');
  const at = start < 0 ? -1 : template.indexOf(pass, start);
  // The block ends at the first line holding only "}" (its ${...} placeholders contain braces).
  const end = start < 0 ? -1 : template.slice(start).search(/\n\s*\}\s*(\n|$)/) + start;
  if (start < 0 || at < 0 || at > end)
    throw new Error(`the proxy template has no \`${pass}\` in \`location / {\`: update templateReturning200 in bench/variants.ts`);
  return `${template.slice(0, at)}default_type text/plain;\n            return 200 "ok\\n";${template.slice(at + pass.length)}`;
}
