/** Section 3: the rate limiter's precision and its fairness to a second client. */
import { f, pct, table } from '../format';
import { limiterFairnessGoal, limiterNo5xxGoal, limiterPrecisionGoal } from '../goals';
import { pacedSocketsOf, type Results } from '../results';
import type { Section } from './section';

export function limiterSection(r: Results): Section {
  const lv = r.limiter.levels;
  const out: string[] = [];
  out.push('## 3. Rate limiter precision and fairness', '');
  out.push(
    `The template task exactly as synthesized (RATE_LIMIT_PER_SECOND ${r.limiter.rate}, RATE_LIMIT_BURST ${r.limiter.burst}, CONNECTIONS_PER_CLIENT ${r.template.connectionsPerClient}). ` +
      `For each level one client sends at that multiple of the rate for ${r.limiter.durationS} s, with a fresh identity per level (so each starts with a full burst), ` +
      `while a second client sends ${r.limiter.secondClientRate} req/s (half the rate) during the same ${r.limiter.durationS} s. ` +
      'Identities are X-Forwarded-For values sent from the trusted host side, exactly as test/e2e does. ' +
      'The generator is a small open-loop Node client (bench/paced.ts; wrk2 is not packaged by Debian, and wrk is closed-loop): request i leaves at start + i/rate over keep-alive connections, ' +
      `whatever the answers; the flood uses at most ${Math.min(pacedSocketsOf(r), r.template.connectionsPerClient - 2)} connections, below the connection limit, so every 429 is the request-rate limit. ` +
      `Expected accepted = min(sent, rate x ${r.limiter.durationS} s + burst) = min(sent, ${r.limiter.rate * r.limiter.durationS + r.limiter.burst}).`,
    '',
    table(
      [
        'level',
        'offered req/s',
        'sent',
        'sending span s',
        'accepted (200)',
        'expected',
        'deviation',
        '429',
        '429 without Retry-After',
        '5xx',
        'network errors',
        'sends > 5 ms late',
        `second client ok (${r.limiter.secondClientRate} req/s)`,
      ],
      lv.map((l) => [
        `${l.multiple}x`,
        l.offeredPerS,
        l.flood.sent,
        f(l.flood.spanS),
        l.flood.ok,
        l.expected,
        pct(l.deviationPct),
        l.flood.limited,
        l.flood.limitedWithoutRetryAfter,
        l.flood.serverErrors,
        l.flood.networkErrors,
        l.flood.late,
        `${l.second.ok}/${l.second.sent} (${f((l.second.ok / l.second.sent) * 100, 1)}%)`,
      ]),
    ),
    '',
    '![Offered vs accepted](limiter.svg)',
    '',
  );
  return { markdown: out, goals: [limiterPrecisionGoal(lv, r.limiter.rate), limiterNo5xxGoal(lv), limiterFairnessGoal(lv)], notes: [] };
}
