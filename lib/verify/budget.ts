/**
 * The bounds that make `verify` safe to point at production: a ceiling on the requests it sends and
 * on the time it runs. Every request takes one from the budget first; a probe that meets the
 * ceiling stops and reports that it could not finish (never a pass).
 */

/** At most this many HTTP requests per run (the rate-limit flood takes most of them). */
export const MAX_REQUESTS = 400;
/** Deadline of each request: connecting, sending and the complete answer. */
export const REQUEST_DEADLINE_MS = 10_000;
/** No request starts later than this many seconds beyond the slow-client wait (the last ends within its deadline). */
export const TIME_MARGIN_S = 60;

class BudgetExhausted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExhausted';
  }
}

export class Budget {
  private sent = 0;
  private readonly endsAt: number;

  constructor(
    private readonly maxRequests: number,
    readonly timeLimitMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.endsAt = now() + timeLimitMs;
  }

  /** Counts one request; throws when the request or time budget is spent. */
  take(): void {
    if (this.sent >= this.maxRequests) throw new BudgetExhausted(`the request budget (${this.maxRequests}) is spent`);
    if (this.remainingMs() <= 0) throw new BudgetExhausted(`the time budget (${Math.round(this.timeLimitMs / 1000)} s) is spent`);
    this.sent++;
  }

  get requests(): number {
    return this.sent;
  }

  remainingMs(): number {
    return this.endsAt - this.now();
  }
}
