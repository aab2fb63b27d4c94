/**
 * Real HTTP(S) servers on 127.0.0.1 for the verify tests: one that behaves as the hardened proxy does
 * (containers/proxy/nginx.conf.template: security headers on every answer, a method allow-list, a
 * body limit read from Content-Length, dotfiles and traversal refused, a per-client token bucket keyed
 * on the rightmost untrusted X-Forwarded-For address, a header timeout), with switches that each
 * break one protection, and Python's http.server from Debian as the plain web server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';

export interface Weakness {
  /** 429 without Retry-After. */
  noRetryAfter?: boolean;
  /** Key the rate limit on the leftmost X-Forwarded-For entry (the one a client writes). */
  keyOnLeftmostForwardedFor?: boolean;
  /** Security headers on 2xx answers only (nginx's add_header without `always`). */
  headersOnSuccessOnly?: boolean;
  /** TRACE answered like GET. */
  allowTrace?: boolean;
  /** /.env served. */
  serveDotEnv?: boolean;
  /** No rate limit at all. */
  noRateLimit?: boolean;
  /** HSTS header (only sensible over HTTPS). */
  hsts?: boolean;
  /** Methods beyond GET, HEAD and POST passed to the app (app.methods): not a weakness, a configuration. */
  appMethods?: string[];
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
};
const RATE_PER_SECOND = 10;
const BURST = 20;
const MAX_BODY_BYTES = 1024 * 1024;

/** The request handler of the hardened stand-in; `trusted(peer)` says whether the peer is the load balancer. */
export function hardenedHandler(weak: Weakness = {}, trusted: (peer: string) => boolean = () => false): http.RequestListener {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const client = (req: http.IncomingMessage): string => {
    const peer = req.socket.remoteAddress ?? '';
    const xff = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!trusted(peer) || xff.length === 0) return peer;
    return weak.keyOnLeftmostForwardedFor ? xff[0] : xff[xff.length - 1];
  };
  const allowed = (key: string): boolean => {
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: BURST + 1, at: now };
    b.tokens = Math.min(BURST + 1, b.tokens + ((now - b.at) / 1000) * RATE_PER_SECOND);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
  return (req, res) => {
    const answer = (status: number, body: string, extra: Record<string, string> = {}) => {
      if (!weak.headersOnSuccessOnly || status < 300) for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      if (weak.hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      res.writeHead(status, { 'Content-Type': 'text/plain', ...extra });
      res.end(body);
    };
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'POST', ...(weak.appMethods ?? [])].includes(method) && !(weak.allowTrace && method === 'TRACE'))
      return answer(405, '', { Allow: 'GET, HEAD, POST' });
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      res.shouldKeepAlive = false;
      return answer(413, 'Request Entity Too Large\n', { Connection: 'close' });
    }
    if (weak.serveDotEnv && url === '/.env') return answer(200, 'APP_KEY=base64:c2VjcmV0\n');
    if (url.includes('..') || /%2e|%2f|%25/i.test(url)) return answer(400, 'Bad Request\n');
    if (/\/\.(?!well-known\/)/.test(url) || /fpm-(ping|status)/i.test(url)) return answer(404, 'Not Found\n');
    if (!weak.noRateLimit && !allowed(client(req))) return answer(429, 'Too Many Requests\n', weak.noRetryAfter ? {} : { 'Retry-After': '1' });
    if (url.startsWith('/secure-ecs-verify-not-found')) return answer(404, 'Not Found\n');
    answer(200, 'hello\n');
  };
}

/** Header timeouts as nginx's client_header_timeout: a request header unfinished after 1 s gets 408 and a close. */
const SLOW_CLIENT_LIMITS = { headersTimeout: 1000, requestTimeout: 2000, connectionsCheckingInterval: 200 };

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export function startHttp(handler: http.RequestListener): Promise<Running> {
  return listen(http.createServer(SLOW_CLIENT_LIMITS, handler));
}

export function startHttps(handler: http.RequestListener, tls: https.ServerOptions): Promise<Running> {
  return listen(https.createServer({ ...SLOW_CLIENT_LIMITS, ...tls }, handler));
}

/** A TCP server that answers every connection with `response` and closes (for answers Node would refuse to send). */
export function startRaw(response: string): Promise<Running> {
  return listen(
    net.createServer((socket) => {
      socket.once('data', () => socket.end(response, 'latin1'));
      socket.on('error', () => undefined);
    }),
  );
}

/** `python3 -m http.server` (Debian's Python) serving `dir` on 127.0.0.1 and a port it picks. */
export async function startPythonHttpServer(dir: string): Promise<Running & { process: ChildProcess }> {
  const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`python3 -m http.server did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`python3 -m http.server exited ${code}: ${out}`)));
  });
  child.stderr!.resume();
  return {
    port,
    process: child,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
