/**
 * Section 3: the rate limiter's precision and fairness on the unchanged template task: one client at
 * 1x, 2x, 5x ... the configured rate (a fresh identity per level), a second client at half the rate
 * throughout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PACED_SOCKETS, type BenchContext } from '../context';
import { paced } from '../paced';
import type { Results } from '../results';
import type { RunningTask } from '../tasks';

export async function limiter(ctx: BenchContext, task: RunningTask, results: Results): Promise<void> {
  const { rate, burst } = results.limiter;
  const C = ctx.config;
  for (const [i, multiple] of C.limiterLevels.entries()) {
    const offered = rate * multiple;
    const level = await ctx.reporter.step(`limiter ${multiple}x: ${offered} req/s for ${C.limiterS} s, second client ${rate / 2} req/s`, async (s) => {
      const [flood, second] = await Promise.all([
        paced({
          host: task.target.host,
          port: task.target.port,
          path: '/',
          ratePerS: offered,
          durationS: C.limiterS,
          client: `198.18.1.${i + 1}`,
          maxSockets: Math.min(PACED_SOCKETS, results.template.connectionsPerClient - 2),
        }),
        paced({
          host: task.target.host,
          port: task.target.port,
          path: '/',
          ratePerS: rate / 2,
          durationS: C.limiterS,
          client: `198.18.2.${i + 1}`,
          maxSockets: 2,
        }),
      ]);
      const expected = Math.min(flood.sent, rate * C.limiterS + burst);
      const deviationPct = ((flood.ok - expected) / expected) * 100;
      s.done(
        `sent ${flood.sent}, accepted ${flood.ok} (expected ${expected}, ${deviationPct >= 0 ? '+' : ''}${deviationPct.toFixed(1)}%), 429 ${flood.limited}, 5xx ${flood.serverErrors}; second client ${second.ok}/${second.sent}`,
      );
      return { multiple, offeredPerS: offered, flood, second, expected, deviationPct };
    });
    results.limiter.levels.push(level);
    await sleep(ctx.quick ? 200 : 1000);
  }
}
