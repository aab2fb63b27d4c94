/**
 * One `verify` run: the catalog's probes against one URL through one client, inside one budget of
 * requests and time. A probe that throws (no answer, the budget spent) fails with the reason; a
 * gate that gets no answer, or a certificate that does not verify, stops the run there (the probes
 * not run fail, saying why).
 */
import { Budget, MAX_REQUESTS, TIME_MARGIN_S } from './budget';
import { BACKGROUND_PROBE, GATES, PROBES, SEQUENTIAL_PROBES } from './catalog';
import { type Answer, HttpClient } from './http-client';
import { NOT_FOUND_PATH, type Probe, type ProbeContext, type ProbeResult, type Verdict } from './probe';
import type { VerifyTarget } from './target';

/** How long the server may hold a connection whose request header never finishes: above an ALB's default 60 s idle timeout. */
export const DEFAULT_SLOW_CLIENT_SECONDS = 70;

export interface VerifyOptions {
  readonly target: VerifyTarget;
  readonly forwardedFor?: string;
  readonly httpPort?: number;
  /** Methods beyond GET, HEAD and POST the app accepts (app.methods): not expected to get 405. */
  readonly allowedMethods?: readonly string[];
  readonly slowClientSeconds?: number;
  /** Authorities to trust instead of Node's (tests). */
  readonly ca?: string | Buffer;
  readonly maxRequests?: number;
  /**
   * Run only these probes (and the gates before them), e.g. the e2e suite running one probe against
   * the local task; the report lists only these.
   */
  readonly only?: readonly string[];
  /** Told what the run is doing, for a terminal (a run against an ALB waits about a minute on the slow client). */
  readonly progress?: (line: string) => void;
}

export interface VerifyReport {
  readonly url: string;
  readonly verdicts: Verdict[];
  readonly holds: boolean;
  readonly requests: number;
  readonly ms: number;
  readonly bounds: { readonly maxRequests: number; readonly timeLimitS: number };
}

const NOT_HTTPS = 'the URL is http';

/** A request sent once, through the client of the first probe that asks (and counted there), shared with the rest. */
const once = <T>(make: (client: HttpClient) => Promise<T>): ((client: HttpClient) => Promise<T>) => {
  let made: Promise<T> | undefined;
  return (client) => (made ??= make(client));
};

export async function runVerify(options: VerifyOptions): Promise<VerifyReport> {
  const slowClientMs = (options.slowClientSeconds ?? DEFAULT_SLOW_CLIENT_SECONDS) * 1000;
  const maxRequests = options.maxRequests ?? MAX_REQUESTS;
  const budget = new Budget(maxRequests, slowClientMs + TIME_MARGIN_S * 1000);
  const client = new HttpClient({ target: options.target, budget, forwardedFor: options.forwardedFor, ca: options.ca });
  const { url } = options.target;
  const front = once<Answer>((c) => c.send({ path: url.pathname + url.search }));
  const notFound = once<Answer>((c) => c.send({ path: NOT_FOUND_PATH }));
  const shared = { rateLimited: false };
  const contextFor = (own: HttpClient): ProbeContext => ({
    client: own,
    httpPort: options.httpPort ?? 80,
    allowedMethods: options.allowedMethods ?? [],
    slowClientMs,
    shared,
    front: () => front(own),
    notFound: () => notFound(own),
  });
  const wanted = (probe: Probe): boolean => options.only === undefined || options.only.includes(probe.id);
  const began = Date.now();
  const verdicts = new Map<string, Verdict>();
  /** Runs a probe with its own request count; the reason to stop the run when it is a gate that failed so. */
  const run = async (probe: Probe): Promise<string | undefined> => {
    options.progress?.(probe.id);
    const started = Date.now();
    const own = client.counting();
    let stop: string | undefined;
    let result: ProbeResult;
    if (probe.httpsOnly && !options.target.https) result = { outcome: 'not-applicable', detail: NOT_HTTPS };
    else {
      result = await probe.run(contextFor(own)).catch((e: Error) => {
        stop = `${probe.id} got no answer`;
        return { outcome: 'fails' as const, detail: `no verdict: ${e.message}` };
      });
      if (result.stopsRun) stop = `${probe.id} failed`;
    }
    verdicts.set(probe.id, {
      id: probe.id,
      title: probe.title,
      outcome: result.outcome,
      detail: result.detail,
      requests: own.requests,
      ms: Date.now() - started,
    });
    return stop;
  };
  try {
    let stopped: string | undefined;
    for (const gate of GATES) stopped ??= await run(gate);
    if (stopped === undefined) {
      const background = wanted(BACKGROUND_PROBE) ? run(BACKGROUND_PROBE) : undefined;
      for (const probe of SEQUENTIAL_PROBES.filter(wanted)) await run(probe);
      if (background) options.progress?.(`${BACKGROUND_PROBE.id}: waiting up to ${slowClientMs / 1000} s for the server to end an unfinished request`);
      await background;
    }
    for (const p of PROBES.filter((p) => wanted(p) && !verdicts.has(p.id))) {
      const skipped = p.httpsOnly && !options.target.https;
      verdicts.set(p.id, {
        id: p.id,
        title: p.title,
        outcome: skipped ? 'not-applicable' : 'fails',
        detail: skipped ? NOT_HTTPS : `not run: ${stopped}`,
        requests: 0,
        ms: 0,
      });
    }
  } finally {
    client.close();
  }
  const ordered = PROBES.filter((p) => wanted(p) || verdicts.has(p.id)).map((p) => verdicts.get(p.id)!);
  return {
    url: options.target.shown,
    verdicts: ordered,
    holds: ordered.every((v) => v.outcome !== 'fails'),
    requests: budget.requests,
    ms: Date.now() - began,
    bounds: { maxRequests, timeLimitS: budget.timeLimitMs / 1000 },
  };
}
