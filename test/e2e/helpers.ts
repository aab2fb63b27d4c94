/**
 * Helpers for the end-to-end tests: the CLI as users run it (the esbuild bundle of bin/secure-ecs.ts),
 * podman with the runner's containers.conf, and HTTP/TCP probes that go to 127.0.0.1 only.
 */
import { execFile, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { podmanEnv } from '../../lib/local/engine';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Inside node_modules so the bundle's external packages resolve from the project. */
export const CLI_BUNDLE = path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-e2e', 'secure-ecs.js');
const run = promisify(execFile);

export async function buildCli(): Promise<void> {
  await run(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), ['bin/secure-ecs.ts', '--bundle', '--platform=node', '--target=node20', '--packages=external', `--outfile=${CLI_BUNDLE}`, '--log-level=warning'], { cwd: ROOT });
}

/** Run `secure-ecs <args>`; resolves with the exit code and the combined output. */
export function cli(args: string[], timeoutMs: number): Promise<{ code: number; output: string; ms: number }> {
  const began = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output, ms: Date.now() - began });
    });
  });
}

const env = podmanEnv();

export async function podman(...args: string[]): Promise<string> {
  const { stdout } = await run('podman', args, { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function podmanJson(...args: string[]): Promise<any> {
  return JSON.parse(await podman(...args));
}

/**
 * `podman stop`, tolerating podman 4.3's race between its own post-stop cleanup and the conmon
 * cleanup process ("refusing to clean up: container state improper", seen once in CI): the stop
 * itself happened, so wait (at most the timeout + 5 s) until the container no longer runs.
 */
export async function stopContainer(container: string, timeoutS: number): Promise<void> {
  try {
    await podman('stop', '--time', String(timeoutS), container);
    return;
  } catch (e) {
    if (!/container state improper/.test(String((e as Error).message))) throw e;
  }
  const deadline = Date.now() + (timeoutS + 5) * 1000;
  while ((await podman('inspect', '--format', '{{.State.Status}}', container)).trim() === 'running') {
    if (Date.now() > deadline) throw new Error(`podman stop ${container}: still running after ${timeoutS + 5} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `podman exec CONTAINER sh -c SCRIPT` as the container's user; resolves even on failure. */
export async function inside(container: string, script: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('podman', ['exec', container, 'sh', '-c', script], { env });
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (e: any) {
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let nextClient = 1;
/** A fresh client address (RFC 2544 benchmark range), so each probe has its own rate-limit bucket. */
export function newClient(): string {
  const n = nextClient++;
  return `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

export interface Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/**
 * An HTTP request to the task on 127.0.0.1. `client` becomes X-Forwarded-For, as the ALB appends
 * the client address (the host side of the pod network is the trusted "load balancer" locally).
 */
export function request(port: number, p: string, opts: { method?: string; client?: string; xff?: string; body?: Buffer; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Response> {
  const began = Date.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const xff = opts.xff ?? opts.client;
    if (xff) headers['X-Forwarded-For'] = xff;
    if (opts.body) headers['Content-Length'] = String(opts.body.length);
    const req = http.request({ host: '127.0.0.1', port, path: p, method: opts.method ?? 'GET', headers, agent, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Date.now() - began }));
    });
    req.on('timeout', () => req.destroy(new Error(`no response in ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    // nginx may answer 413 before it has read the whole body; the response still arrives.
    if (opts.body) req.write(opts.body, () => undefined);
    req.end();
  });
}

/** Send raw bytes and collect everything until the server closes (for paths clients would normalise). */
export function raw(port: number, text: string, host = '127.0.0.1'): Promise<{ status: number; response: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port }, () => sock.write(text));
    let response = '';
    sock.setEncoding('utf8');
    sock.setTimeout(15_000, () => sock.destroy(new Error('no answer in 15 s')));
    sock.on('data', (d) => (response += d));
    sock.on('error', reject);
    sock.on('close', () => resolve({ status: Number(/^HTTP\/1\.\d (\d{3})/.exec(response)?.[1] ?? 0), response }));
  });
}

/** Whether a TCP connection to host:port is refused (or otherwise fails) within the timeout. */
export function tcpRefused(host: string, port: number, timeoutMs = 2000): Promise<{ refused: boolean; error?: string }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (refused: boolean, error?: string) => {
      sock.destroy();
      resolve({ refused, error });
    };
    sock.setTimeout(timeoutMs, () => done(true, 'timeout'));
    sock.on('connect', () => done(false));
    sock.on('error', (e: NodeJS.ErrnoException) => done(true, e.code));
  });
}
