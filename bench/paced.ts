/**
 * A rate-controlled (open-loop) HTTP client for the limiter measurement: request i is sent at
 * start + i / rate whatever the earlier responses did, over keep-alive connections to the task's load
 * target (bench/load-target.ts: its own address, or 127.0.0.1's published port), with
 * a fixed X-Forwarded-For identity (as the ALB appends the client address; the host side of the pod
 * network is the trusted peer, exactly as in test/e2e). wrk2 is not packaged by Debian, and wrk is
 * closed-loop, so its offered rate depends on the server's answers.
 *
 * The connection pool stays below the task's per-client connection limit, so every 429 is limit_req.
 *
 * Latency is measured from each request's scheduled slot (not from when it left) to the end of its
 * response, so a request that waited for the generator or for a free connection counts that wait:
 * the correction for coordinated omission that wrk2 applies (Gil Tene, "How NOT to measure latency").
 */
import * as http from 'node:http';
import { summarize, type LatencySummary } from './percentiles';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PacedOptions {
  /** The task's address (RunningTask.target); 127.0.0.1 when unset. */
  readonly host?: string;
  readonly port: number;
  readonly path: string;
  readonly ratePerS: number;
  readonly durationS: number;
  /** X-Forwarded-For value: the client identity nginx rate-limits on. */
  readonly client: string;
  /** Keep-alive connections at most (requests wait for a free one). */
  readonly maxSockets: number;
  readonly timeoutMs?: number;
}

export interface PacedResult {
  readonly client: string;
  readonly ratePerS: number;
  readonly sent: number;
  /** First to last send, seconds. */
  readonly spanS: number;
  readonly byStatus: Record<string, number>;
  readonly ok: number;
  readonly limited: number;
  readonly serverErrors: number;
  readonly networkErrors: number;
  /** 429 responses without Retry-After. */
  readonly limitedWithoutRetryAfter: number;
  /** Sends that left more than 5 ms after their slot (the generator fell behind). */
  readonly late: number;
  readonly maxLagMs: number;
  /** Slot-to-response-end latency of every answered request (any status), exact percentiles. */
  readonly latency: LatencySummary;
}

export async function paced(o: PacedOptions): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets });
  const total = Math.round(o.ratePerS * o.durationS);
  const byStatus: Record<string, number> = {};
  let networkErrors = 0;
  let limitedWithoutRetryAfter = 0;
  let late = 0;
  let maxLagMs = 0;
  let first = 0;
  let last = 0;
  const pending: Promise<void>[] = [];
  const latenciesMs: number[] = [];
  const t0 = performance.now() + 20;
  for (let i = 0; i < total; i++) {
    const slot = t0 + (i * 1000) / o.ratePerS;
    const wait = slot - performance.now();
    // Slots are absolute, so a late timer does not shift the later ones.
    if (wait > 0) await sleep(wait);
    const now = performance.now();
    const lag = now - slot;
    if (lag > 5) late++;
    maxLagMs = Math.max(maxLagMs, lag);
    if (i === 0) first = now;
    last = now;
    pending.push(
      new Promise<void>((resolve) => {
        const req = http.request(
          {
            host: o.host ?? '127.0.0.1',
            port: o.port,
            path: `${o.path}${o.path.includes('?') ? '&' : '?'}n=${i}`,
            agent,
            headers: { 'X-Forwarded-For': o.client },
            timeout: o.timeoutMs ?? 10_000,
          },
          (res) => {
            const key = String(res.statusCode ?? 0);
            byStatus[key] = (byStatus[key] ?? 0) + 1;
            if (res.statusCode === 429 && res.headers['retry-after'] === undefined) limitedWithoutRetryAfter++;
            res.resume();
            res.on('end', () => {
              latenciesMs.push(performance.now() - slot);
              resolve();
            });
            res.on('error', () => resolve());
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => {
          networkErrors++;
          resolve();
        });
        req.end();
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  const count = (pred: (s: number) => boolean) =>
    Object.entries(byStatus)
      .filter(([s]) => pred(Number(s)))
      .reduce((n, [, v]) => n + v, 0);
  return {
    client: o.client,
    ratePerS: o.ratePerS,
    sent: total,
    spanS: (last - first) / 1000,
    byStatus,
    ok: count((s) => s >= 200 && s < 300),
    limited: count((s) => s === 429),
    serverErrors: count((s) => s >= 500),
    networkErrors,
    limitedWithoutRetryAfter,
    late,
    maxLagMs,
    latency: summarize(latenciesMs),
  };
}
