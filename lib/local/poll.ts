/**
 * The one wait loop of lib/local: ask, and ask again `everyMs` later, until there is an answer or the
 * deadline has passed. Callers decide what a missed deadline means (most throw a LocalStepError
 * naming what did not happen).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Pause between two checks. */
  readonly everyMs: number;
  /** Give up this long after the first check (no deadline when absent: the check ends the wait). */
  readonly deadlineMs?: number;
  /** The clock the deadline is measured on (the task runner's, which tests move). */
  readonly now?: () => number;
}

/**
 * Call `check` until it returns something other than `undefined` (resolved with it), or until the
 * deadline has passed after a check that found nothing (resolved with `undefined`). What `check`
 * throws ends the wait.
 */
export async function pollUntil<T>(check: () => T | undefined | Promise<T | undefined>, o: PollOptions): Promise<T | undefined> {
  const now = o.now ?? Date.now;
  const deadline = o.deadlineMs === undefined ? Infinity : now() + o.deadlineMs;
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    if (now() > deadline) return undefined;
    await sleep(o.everyMs);
  }
}
