/**
 * Slowloris: a connection whose request headers never finish must be ended by the server (nginx's
 * client_header_timeout, the proxy's REQUEST_TIMEOUT_SECONDS; an ALB's idle timeout in front of it),
 * not held forever. One connection, so it costs the target one socket for the wait.
 */
import { fails, holds, type Probe } from '../probe';

export const slowClient: Probe = {
  id: 'slow-client',
  title: 'Slow clients cut off',
  checks: 'A connection that sends part of a request header and then nothing is closed by the server (or answered 408) within --slow-client-seconds.',
  async run(ctx) {
    const { url } = ctx.client.target;
    const began = Date.now();
    const r = await ctx.client.holdOpen(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: secure-ecs-verify\r\n`, ctx.slowClientMs);
    const after = `${((Date.now() - began) / 1000).toFixed(1)} s`;
    if (!r.closed) return fails(`the connection was still open after ${after} with an unfinished request header`);
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(r.said)?.[1];
    return status === undefined || status === '408' || status === '400'
      ? holds(`closed after ${after}${status ? ` with ${status}` : ''}`)
      : fails(`answered ${status} to an unfinished request header`);
  },
};
