/**
 * What a probe is and what it returns. A probe sends a few bounded requests through the run's
 * client and decides one verdict: it holds, it fails (saying what the server did), or it does not
 * apply to this URL (the TLS probes on an http URL).
 */
import type { Answer, HttpClient } from './http-client';

export type Outcome = 'holds' | 'fails' | 'not-applicable';

export interface Verdict {
  readonly id: string;
  readonly title: string;
  readonly outcome: Outcome;
  /** What the server did: quotes its answers (escaped by the renderers, never trusted). */
  readonly detail: string;
  readonly requests: number;
  readonly ms: number;
}

export interface ProbeContext {
  readonly client: HttpClient;
  /** The port of the plain-HTTP listener that should redirect to HTTPS (--http-port). */
  readonly httpPort: number;
  /** Methods beyond GET, HEAD and POST the app is configured to accept (app.methods; --allow-method). */
  readonly allowedMethods: readonly string[];
  /** How long the server may keep a connection whose request headers never finish (--slow-client-seconds). */
  readonly slowClientMs: number;
  /** GET of the URL itself, sent once and shared by the probes that read its headers. */
  front(): Promise<Answer>;
  /** GET of a path no site has ({@link NOT_FOUND_PATH}), sent once: error answers need the headers too. */
  notFound(): Promise<Answer>;
  /** What one probe leaves for a later one: the rate-limit probe's 429s, which the forwarded-for probe needs. */
  readonly shared: { rateLimited: boolean };
}

export interface ProbeResult {
  readonly outcome: Outcome;
  readonly detail: string;
  /** A gate's failure that leaves nothing else to judge safely (the runner runs no further probe). */
  readonly stopsRun?: boolean;
}

export interface Probe {
  readonly id: string;
  readonly title: string;
  /** One sentence for --help and the README: what a server must do for the probe to hold. */
  readonly checks: string;
  readonly httpsOnly?: boolean;
  run(ctx: ProbeContext): Promise<ProbeResult>;
}

/** A path that exists nowhere: its answer shows what the server adds to its error answers. */
export const NOT_FOUND_PATH = '/secure-ecs-verify-not-found';

export const holds = (detail: string): ProbeResult => ({ outcome: 'holds', detail });
export const fails = (detail: string): ProbeResult => ({ outcome: 'fails', detail });

/** A header or body value as a verdict quotes it: at most `max` characters, in JSON quotes. */
export function quote(value: unknown, max = 120): string {
  const text = Array.isArray(value) ? value.join(', ') : String(value ?? '');
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text);
}

/** The first header value (a server may repeat one). */
export const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};
