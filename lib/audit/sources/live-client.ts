/**
 * What every live source shares (ECS in ./live-ecs.ts, ECR and GuardDuty in ./live-account.ts): how
 * an SDK client is made (deadlines, retries, a one-line logger), which call is in flight, the time
 * limit of the whole read, and the one-line errors the CLI prints (exit 2).
 */
import type { ECSClient, ECSClientConfig } from '@aws-sdk/client-ecs';
import { AuditInputError } from '../errors';
import { redactUrls } from '../untrusted-text';

/**
 * Deadlines for each HTTP exchange (D1 of the hostile-input findings). Smithy's NodeHttpHandler
 * defaults every one of them to 0, "no timeout", so an endpoint that accepts the connection and never
 * answers held the audit forever and the retries never started
 * (https://github.com/smithy-lang/smithy-typescript/blob/main/packages/types/src/http/httpHandlerInitialization.ts).
 * A timed-out attempt is a transient error, which the standard retry strategy retries with backoff.
 */
export interface LiveTimeouts {
  /** TCP (and TLS) connection set-up. */
  readonly connectMs: number;
  /** From sending the request to the response's headers. */
  readonly requestMs: number;
  /** Silence on the socket while the body streams (an answer that stalls mid-body). */
  readonly idleMs: number;
}

const LIVE_TIMEOUTS: LiveTimeouts = { connectMs: 5_000, requestMs: 30_000, idleMs: 30_000 };
/** Attempts per call, the first included (the SDK's standard mode, which backs off exponentially). */
const LIVE_MAX_ATTEMPTS = 6;
/** `--timeout`: a live audit never runs longer than this, whatever the endpoint does. */
export const DEFAULT_LIVE_TIME_LIMIT_SECONDS = 600;

/** What the SDK logs, as one line each (its warnings are several lines; the CLI's contract is one). */
function oneLineLogger(warn: (line: string) => void) {
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    trace: ignore,
    warn: (...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (/Multiple credential sources detected/.test(text)) {
        warn('both a profile (--profile or AWS_PROFILE) and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set; the profile is used');
      } else warn(text.split('\n').find((l) => l.trim()) ?? text);
    },
    error: ignore,
  };
}

/** How every live client is made: `credentials` and `timeouts` are for tests (the CLI uses the SDK's default chain). */
export interface LiveClientOptions {
  readonly region?: string;
  readonly profile?: string;
  /** A custom endpoint (a VPC endpoint, or a local test server). */
  readonly endpoint?: string;
  /** Called with a one-line warning from the SDK. */
  readonly warn?: (line: string) => void;
  readonly credentials?: ECSClientConfig['credentials'];
  readonly timeouts?: LiveTimeouts;
}

/**
 * The settings every live client shares (ECS here, ECR and GuardDuty in ./live-account.ts): the
 * deadlines, the retry mode and the one-line logger. The SDK's clients take the same shape.
 */
export function liveClientConfig(options: LiveClientOptions) {
  const timeouts = options.timeouts ?? LIVE_TIMEOUTS;
  return {
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    requestHandler: {
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.requestMs,
      // Without it a breached requestTimeout is only logged (the handler's own doc comment).
      throwOnRequestTimeout: true,
      socketTimeout: timeouts.idleMs,
    },
    // Standard mode with a few more attempts than the default 3: large accounts hit ECS's rate limits.
    retryMode: 'standard' as const,
    maxAttempts: LIVE_MAX_ATTEMPTS,
    logger: oneLineLogger(options.warn ?? (() => undefined)),
  };
}

/** The call in flight, for messages: "ListServices at https://ecs.eu-west-1.amazonaws.com". */
export interface CallSite {
  operation?: string;
  endpoint?: string;
}

/** Records each call's operation and the endpoint it was actually sent to (after endpoint resolution). */
export function trackCalls(client: { middlewareStack: Pick<ECSClient['middlewareStack'], 'add'> }, site: CallSite): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      site.operation = context.commandName?.replace(/Command$/, '');
      const request = args.request as { protocol?: string; hostname?: string; port?: number };
      if (request?.hostname) site.endpoint = `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'secureEcsCallSite', override: true },
  );
}

/**
 * Run `read`, or reject with a one-line `AuditInputError` once `limitSeconds` have passed. The
 * caller destroys its clients afterwards, which aborts what is still in flight.
 */
export async function withinTimeLimit(read: () => Promise<void>, limitSeconds: number, site: CallSite): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AuditInputError(
            `the live audit did not finish within ${limitSeconds} s${where(site)}; check the network path to the endpoint, or raise --timeout`,
          ),
        ),
      limitSeconds * 1000,
    );
  });
  const reading = read();
  // When the time limit wins, the abandoned reads fail later (the client is destroyed): not an unhandled rejection.
  reading.catch(() => undefined);
  try {
    await Promise.race([reading, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** " (ListServices at http://127.0.0.1:4566)", credentials in the URL redacted; empty when nothing was sent. */
function where(site: CallSite, endpoint?: string): string {
  const at = site.endpoint ?? endpoint;
  if (!site.operation && !at) return '';
  return ` (${[site.operation, at && `at ${redactUrls(at)}`].filter(Boolean).join(' ')})`;
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];
const TLS_CODE = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

/** The AWS service a live call went to, for error lines: its name, how to point at another endpoint, the read-only permissions the audit needs of it. */
export interface LiveService {
  readonly name: string;
  readonly endpointHint: string;
  readonly permissions: readonly string[];
}

/** SDK errors clients can act on, as one line. Anything else is a bug and propagates unchanged. */
export function liveError(
  e: unknown,
  options: { readonly cluster?: string; readonly endpoint?: string; readonly profile?: string } = {},
  site: CallSite = {},
  service: LiveService,
): Error {
  if (e instanceof AuditInputError) return e;
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = err.name ?? '';
  const message = (err.message ?? String(e)).split('\n')[0];
  const at = where(site, options.endpoint);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    // The SDK's provider chain ends in a generic message even when the profile's credential_process
    // failed (D19), so the line says where to look.
    return new AuditInputError(
      options.profile
        ? `no AWS credentials found for profile ${options.profile} (check ~/.aws/config and ~/.aws/credentials; if the profile has a credential_process, run that command to see why it fails)`
        : 'no AWS credentials found: use --profile, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    );
  }
  if (/region is missing/i.test(message)) return new AuditInputError('no AWS region: pass --region or set AWS_REGION');
  if (/region not accepted|invalid region/i.test(message))
    return new AuditInputError(`the AWS region is not valid (expected a name such as eu-west-1): ${message}`);
  if (['AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'UnauthorizedOperation'].includes(name)) {
    return new AuditInputError(`access denied by AWS (${name}): ${message}. The audit needs read-only ${service.permissions.join(', ')}${at}`);
  }
  if (name === 'ClusterNotFoundException') return new AuditInputError(`cluster ${options.cluster ?? ''} not found: ${message}`);
  const attempts = err.$metadata?.attempts ? `, ${err.$metadata.attempts} attempt(s)` : '';
  if (name === 'TimeoutError' || err.code === 'ETIMEDOUT') {
    return new AuditInputError(
      `cannot reach the ${service.name} endpoint: no answer in time${at}${attempts}; check the network path (proxy, VPC endpoint, firewall) and ${service.endpointHint}`,
    );
  }
  if (NETWORK_CODES.includes(err.code ?? '')) {
    return new AuditInputError(
      `cannot reach the ${service.name} endpoint${at}: ${err.code}${attempts}; check ${service.endpointHint}, the region, and the network path`,
    );
  }
  if (TLS_CODE.test(err.code ?? '')) {
    return new AuditInputError(
      `TLS with the ${service.name} endpoint failed${at}: ${err.code}; check that the URL's scheme (https or http) matches the server and that its certificate is trusted`,
    );
  }
  if (name === 'SyntaxError' || /JSON/.test(message)) {
    // The parser's message quotes the answer; what matters is that it is not ECS's JSON.
    return new AuditInputError(
      `the ${service.name} endpoint's answer is not ${service.name} JSON${at}; check ${service.endpointHint} (a proxy or captive portal?)`,
    );
  }
  if (err.$metadata) {
    const status = err.$metadata.httpStatusCode;
    if (name === 'Unknown' || /^UnknownError$/.test(message)) {
      const redirect = status !== undefined && status >= 300 && status < 400 ? ' (a redirect: the SDK does not follow them; check --endpoint)' : '';
      return new AuditInputError(`${service.name} API error: HTTP ${status ?? 'status unknown'} without an error code${redirect}${at}${attempts}`);
    }
    return new AuditInputError(`${service.name} API error ${name}: ${message}${at}${attempts}`);
  }
  return e as Error;
}
