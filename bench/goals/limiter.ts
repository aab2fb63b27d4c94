/** Goals of the rate limiter: precision against nginx's bucket, no 5xx, and fairness to a second client. */
import { f, pct } from '../format';
import type { LimiterLevel } from '../results';
import type { Goal } from './goal';

/** Every level's accepted requests within ±5% of min(sent, rate x T + burst). */
export function limiterPrecisionGoal(levels: LimiterLevel[], rate: number): Goal {
  const worst = levels.reduce((a, b) => (Math.abs(b.deviationPct) > Math.abs(a.deviationPct) ? b : a), levels[0]);
  const met = levels.every((l) => Math.abs(l.deviationPct) <= 5);
  return {
    name: 'Limiter precision',
    result: `worst ${pct(worst?.deviationPct ?? NaN)} at ${worst?.multiple}x`,
    goal: 'within ±5% at every level',
    met,
    reason: met
      ? undefined
      : levels
          .filter((l) => Math.abs(l.deviationPct) > 5)
          .map(
            (l) =>
              `${l.multiple}x: ${l.flood.ok} accepted vs ${l.expected} expected over ${f(l.flood.spanS)} s of sending` +
              `${l.flood.late ? `; ${l.flood.late} of ${l.flood.sent} sends left more than 5 ms late (max ${f(l.flood.maxLagMs, 0)} ms), so the offered load was burstier than paced` : ''}` +
              `${l.flood.networkErrors ? `; ${l.flood.networkErrors} network errors` : ''}` +
              `; nginx's bucket admits the first request and burst more at once, then one every ${f(1000 / rate, 0)} ms, with millisecond accounting`,
          )
          .join('. '),
  };
}

/** The limiter rejects with 429, never with a server error. */
export function limiterNo5xxGoal(levels: LimiterLevel[]): Goal {
  const fivexx = levels.reduce((n, l) => n + l.flood.serverErrors + l.second.serverErrors, 0);
  const neterr = levels.reduce((n, l) => n + l.flood.networkErrors + l.second.networkErrors, 0);
  return {
    name: 'Limiter: no 5xx',
    result: `${fivexx} 5xx, ${neterr} network errors`,
    goal: '0',
    met: fivexx === 0,
    reason: fivexx ? 'see the per-level table' : undefined,
  };
}

/** A second client at half the rate keeps at least 99% success while the first floods, at every level. */
export function limiterFairnessGoal(levels: LimiterLevel[]): Goal {
  const secondMin = Math.min(...levels.map((l) => (l.second.ok / l.second.sent) * 100));
  const met = secondMin >= 99;
  return {
    name: 'Limiter fairness: second client success',
    result: `${f(secondMin, 1)}% (lowest level)`,
    goal: '>= 99%',
    met,
    reason: met
      ? undefined
      : levels
          .filter((l) => l.second.ok < l.second.sent)
          .map((l) => `${l.multiple}x: ${JSON.stringify(l.second.byStatus)}, ${l.second.networkErrors} network errors`)
          .join('; '),
  };
}
