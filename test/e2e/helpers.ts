/**
 * Helpers for the end-to-end tests: the CLI as users run it (the esbuild bundle of bin/secure-ecs.ts),
 * the container engine the runner chose (through the runner's own engine interface), and HTTP/TCP
 * probes that stay on this host (127.0.0.1, or the task's own address on the engine's network).
 */
import { execFile, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pauseName, type ContainerEngine } from '../../lib/local/engines/container-engine';
import { infraName } from '../../lib/local/engines/podman/args';
import { realConnectors, selectEngine } from '../../lib/local/engines/select-engine';
import { hostFacts } from '../../lib/local/host/host-facts';
import type { Reporter } from '../../lib/local/progress';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import type { Verdict } from '../../lib/verify/probe';
import { runVerify } from '../../lib/verify/run-verify';
import { parseTarget } from '../../lib/verify/target';
import { allow } from './time-allowance';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Inside node_modules so the bundle's external packages resolve from the project. */
const CLI_BUNDLE = path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-e2e', 'secure-ecs.js');
const run = promisify(execFile);

export async function buildCli(): Promise<void> {
  await run(
    path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
    ['bin/secure-ecs.ts', '--bundle', '--platform=node', '--target=node20', '--packages=external', `--outfile=${CLI_BUNDLE}`, '--log-level=warning'],
    { cwd: ROOT },
  );
}

export interface CliOptions {
  /** Added to the suite's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Send SIGINT (a Ctrl-C) once the output matches this, once. */
  readonly interruptWhen?: RegExp;
}

/** Run `secure-ecs <args>`; resolves with the exit code (128 + n for a signal it did not handle), the combined output and its pid. */
export function cli(args: string[], timeoutMs: number, options: CliOptions = {}): Promise<{ code: number; output: string; ms: number; pid: number }> {
  const began = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1', ...options.env },
    });
    let output = '';
    let interrupted = false;
    const take = (d: Buffer) => {
      output += d;
      if (options.interruptWhen && !interrupted && options.interruptWhen.test(output)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal ? osConstants.signals[signal] : 0), output, ms: Date.now() - began, pid: child.pid ?? 0 });
    });
  });
}

/** Ids of the containers (all states) the suite's engine lists for a `ps --filter`, by its own CLI. */
export async function containerIds(filter: string): Promise<string> {
  const { stdout } = await run((await engine()).info.kind, ['ps', '--all', '--quiet', '--filter', filter]);
  return stdout.trim();
}

/** A reporter that keeps the engine choice out of the test output but for one line. */
export const quiet: Reporter = {
  info: (l) => void (/^container engine:/.test(l) && process.stderr.write(`${l}\n`)),
  warn: (l) => process.stderr.write(`warning: ${l}\n`),
  begin: () => ({ update: () => undefined, done: () => undefined, fail: () => undefined, interrupt: () => undefined }),
  step: (_t, fn) => fn({ update: () => undefined, done: () => undefined, fail: () => undefined, interrupt: () => undefined }),
};

let connected: Promise<ContainerEngine> | undefined;
/** The engine the suite runs on: chosen as `secure-ecs local up` chooses (SECURE_ECS_ENGINE, CDK_DOCKER, else the one that answers). */
export function engine(): Promise<ContainerEngine> {
  connected ??= selectEngine(hostFacts(), { env: process.env }, quiet, realConnectors(TASK_LABEL_KEY));
  return connected;
}

/** The engine's inspect document of a container (Docker's shape on both engines). */
export async function inspect(name: string): Promise<any> {
  const d = await (await engine()).inspectRaw(name);
  if (!d) throw new Error(`no container ${name}`);
  return d;
}

/** Stop a container as a user would (`docker stop` / `podman stop`). */
export async function stopContainer(container: string, timeoutS: number): Promise<void> {
  await (await engine()).stopContainer(container, timeoutS);
}

/** A container's log lines so far (stdout and stderr), through the engine's own log API as `local logs` reads them. */
async function containerLog(container: string): Promise<string[]> {
  const lines: string[] = [];
  await (await engine()).logs(container, { follow: false }, (l) => lines.push(l)).done;
  return lines;
}

/**
 * The proxy's access log lines (its JSON objects) that `match` accepts, asked every 200 ms until
 * one is there or `withinMs` has passed: nginx writes the log in blocks, at most a second after the
 * request (containers/proxy/nginx.conf.template, `access_log ... flush=1s`).
 */
export async function accessLogLines(container: string, match: (line: string) => boolean, withinMs: number): Promise<any[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = (await containerLog(container)).filter((l) => l.startsWith('{') && match(l)).map((l) => JSON.parse(l));
    if (found.length || Date.now() >= deadline) return found;
    await sleep(200);
  }
}

/** `<engine> exec CONTAINER sh -c SCRIPT` as the container's user; resolves even on failure. */
export async function inside(container: string, script: string): Promise<{ code: number; out: string }> {
  const r = await (await engine()).exec(container, ['sh', '-c', script], { timeoutMs: allow(60_000) });
  return { code: r.code, out: r.output };
}

/** The container that owns the task's network namespace: podman's pod infra, Docker's pause container. */
export async function namespaceOwner(task: string): Promise<any> {
  const e = await engine();
  return inspect(e.info.kind === 'docker' ? pauseName({ name: task }) : infraName({ name: task }));
}

/** Ulimits of an inspect document as [name, soft, hard], names as in task definitions (nofile). */
export const ulimitsOf = (hc: any): [string, number, number][] =>
  (hc.Ulimits ?? []).map((u: any) => [
    String(u.Name)
      .replace(/^RLIMIT_/, '')
      .toLowerCase(),
    u.Soft,
    u.Hard,
  ]);

// One free-port finder for the runner and the tests.
export { freePort } from '../../lib/local/host/free-port';

export { sleep };

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
 * the client address (the host side of the task network is the trusted "load balancer" locally).
 */
export function request(
  port: number,
  p: string,
  opts: { method?: string; client?: string; xff?: string; body?: Buffer; headers?: Record<string, string>; timeoutMs?: number; host?: string } = {},
): Promise<Response> {
  const began = Date.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const xff = opts.xff ?? opts.client;
    if (xff) headers['X-Forwarded-For'] = xff;
    if (opts.body) headers['Content-Length'] = String(opts.body.length);
    const req = http.request(
      { host: opts.host ?? '127.0.0.1', port, path: p, method: opts.method ?? 'GET', headers, agent, timeout: opts.timeoutMs ?? allow(10_000) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Date.now() - began }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response in ${opts.timeoutMs ?? allow(10_000)} ms`)));
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

/**
 * The verdicts of `secure-ecs verify`'s probes (lib/verify: one implementation for the CLI and this
 * suite) against the task on 127.0.0.1, as a new client behind the ALB stand-in; by probe id, as
 * [id, outcome, detail] so a failure shows what the proxy answered.
 */
export async function verifyProbes(port: number, ids: string[]): Promise<Record<string, [string, Verdict['outcome'], string]>> {
  const report = await runVerify({ target: parseTarget(`http://127.0.0.1:${port}/`), forwardedFor: newClient(), only: ids });
  return Object.fromEntries(report.verdicts.map((v) => [v.id, [v.id, v.outcome, v.detail]]));
}
