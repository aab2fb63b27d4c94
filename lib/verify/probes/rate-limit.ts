/**
 * The per-client rate limit: one client sending faster than any sane page needs must get 429 with
 * Retry-After. The flood is bounded (FLOOD_REQUESTS requests, FLOOD_SECONDS seconds, MAX_SOCKETS
 * connections) and stops at the first few 429s, so against a hardened target it costs about the
 * burst plus a few requests, and leaves only this client limited, for burst / rate seconds.
 */
import { MAX_SOCKETS } from '../http-client';
import { fails, header, holds, type Probe } from '../probe';

export const FLOOD_REQUESTS = 300;
export const FLOOD_SECONDS = 10;
/** 429s to see before the flood stops: enough to tell a limit from one overloaded moment. */
const ENOUGH_REJECTIONS = 5;

export const rateLimit: Probe = {
  id: 'rate-limit',
  title: 'Per-client rate limit',
  checks: `Up to ${FLOOD_REQUESTS} GETs of the URL in at most ${FLOOD_SECONDS} s over ${MAX_SOCKETS} connections from one client get 429 with Retry-After before the flood ends.`,
  async run(ctx) {
    const path = ctx.client.target.url.pathname + ctx.client.target.url.search;
    const began = Date.now();
    const statuses: number[] = [];
    let sent = 0;
    let firstRejected = 0;
    const rejections: (string | undefined)[] = [];
    const hammer = async () => {
      while (sent < FLOOD_REQUESTS && Date.now() - began < FLOOD_SECONDS * 1000 && rejections.length < ENOUGH_REJECTIONS) {
        sent++;
        const a = await ctx.client.send({ path });
        statuses.push(a.status);
        if (a.status === 429) {
          if (rejections.length === 0) firstRejected = statuses.length;
          rejections.push(header(a.headers, 'retry-after'));
        }
      }
    };
    await Promise.all(Array.from({ length: MAX_SOCKETS }, hammer));
    const seconds = (Date.now() - began) / 1000;
    const others = [...new Set(statuses.filter((s) => s !== 200 && s !== 429))];
    const also = others.length > 0 ? `; also answered ${others.join(', ')}` : '';
    if (rejections.length === 0) {
      return fails(
        `no 429 in ${statuses.length} requests over ${seconds.toFixed(1)} s (${(statuses.length / seconds).toFixed(0)} requests/s from one client)${also}`,
      );
    }
    ctx.shared.rateLimited = true;
    const withoutRetryAfter = rejections.filter((r) => r === undefined || r.trim() === '').length;
    if (withoutRetryAfter > 0) return fails(`${withoutRetryAfter} of ${rejections.length} 429 answers lack Retry-After`);
    return holds(`429 from request ${firstRejected} on (${statuses.length} sent in ${seconds.toFixed(1)} s), Retry-After: ${rejections[0]}${also}`);
  },
};
