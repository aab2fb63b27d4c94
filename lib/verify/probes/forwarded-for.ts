/**
 * A client must not escape its rate-limit bucket by sending its own X-Forwarded-For: the ALB
 * appends the real address and the proxy keys on the rightmost address it does not trust
 * (real_ip_recursive, containers/proxy/nginx.conf.template). Run right after the rate-limit probe,
 * while this client is limited: requests with a forged address must be refused about as often as
 * plain ones (the e2e suite's comparison, on fewer requests).
 */
import { fails, holds, type Probe } from '../probe';

/** Pairs of requests, one forged and one plain, sent one pair after another. */
const PAIRS = 8;
/** Forged requests let through beyond the plain ones that still count as chance (the bucket refills at the rate). */
const SLACK = 2;

export const forwardedFor: Probe = {
  id: 'forwarded-for-spoofing',
  title: 'Forged X-Forwarded-For',
  checks: `Right after the rate-limit probe, ${PAIRS} requests each with a different forged X-Forwarded-For are refused about as often as ${PAIRS} plain ones (at most ${SLACK} more let through).`,
  async run(ctx) {
    if (!ctx.shared.rateLimited) return fails('not checked: the rate-limit probe saw no 429, so there is no limit to escape');
    const path = ctx.client.target.url.pathname + ctx.client.target.url.search;
    let forgedThrough = 0;
    let plainThrough = 0;
    for (let i = 1; i <= PAIRS; i++) {
      // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): an address no real client has.
      const forged = await ctx.client.send({ path, forwardedFor: `203.0.113.${i}` });
      const plain = await ctx.client.send({ path });
      if (forged.status !== 429) forgedThrough++;
      if (plain.status !== 429) plainThrough++;
    }
    const counts = `forged X-Forwarded-For let through ${forgedThrough} of ${PAIRS}, plain ${plainThrough} of ${PAIRS}`;
    return forgedThrough <= plainThrough + SLACK ? holds(counts) : fails(`${counts}: a forged address escapes the limit`);
  },
};
