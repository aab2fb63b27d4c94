/**
 * Closed-loop load with wrk (Debian's package): fixed connections, fixed duration, to the task (bench/load-target.ts: its own address, or the port published on 127.0.0.1).
 * `--latency` prints wrk's latency distribution; a small Lua `done` hook prints the same summary as
 * one JSON line (exact percentiles in microseconds, status errors), which is what the report uses.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isLocalLoadHost } from './load-target';

export interface WrkResult {
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Responses with a status outside 2xx/3xx (429 from the limiter would show here). */
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly command: string;
}

const DONE_HOOK = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%f,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
`;

export function writeWrkScript(dir: string): string {
  const file = path.join(dir, 'wrk-summary.lua');
  writeFileSync(file, DONE_HOOK);
  return file;
}

export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly threads: number;
  readonly durationS: number;
  readonly headers?: Record<string, string>;
  readonly script: string;
}

function wrkArgs(o: WrkOptions): string[] {
  if (!Number.isInteger(o.durationS) || o.durationS < 1) throw new Error(`wrk takes whole seconds, not ${o.durationS}`);
  const target = /^http:\/\/([\d.]+):\d+\//.exec(o.url);
  if (!target || !isLocalLoadHost(target[1])) throw new Error(`load goes to 127.0.0.1 or an engine network's private address only, not ${o.url}`);
  return [
    '--threads',
    String(o.threads),
    '--connections',
    String(o.connections),
    '--duration',
    `${o.durationS}s`,
    '--timeout',
    '10s',
    '--latency',
    ...Object.entries(o.headers ?? {}).flatMap(([k, v]) => ['--header', `${k}: ${v}`]),
    '--script',
    o.script,
    o.url,
  ];
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = wrkArgs(o);
  const command = `wrk ${args.map((a) => (/[\s:'"]/.test(a) && !a.startsWith('http') ? `'${a}'` : a)).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (o.durationS + 30) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const m = /WRK_JSON (\{.*\})/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      const j = JSON.parse(m[1]);
      const durationS = j.duration_us / 1e6;
      resolve({
        requests: j.requests,
        durationS,
        rps: j.requests / durationS,
        p50Ms: j.p50_us / 1000,
        p99Ms: j.p99_us / 1000,
        meanMs: j.mean_us / 1000,
        non2xx: j.status,
        socketErrors: j.connect + j.read + j.write + j.timeout,
        command,
      });
    });
  });
}
