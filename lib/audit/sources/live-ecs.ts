/**
 * Live source: reads a running account through the ECS API (read-only calls only).
 *
 * - `--cluster`: DescribeClusters with SETTINGS and CONFIGURATIONS (without SETTINGS the
 *   containerInsights setting is not returned: catalog §2.6), the cluster's capacity providers, every
 *   service (ListServices + DescribeServices, 10 at a time) and the task definition revisions its
 *   deployments actually run, and every container instance's registered attributes (the proof of the
 *   agent's ECS_DISABLE_PRIVILEGED and IMDS blocking: catalog §2.5).
 * - `--family`: the latest ACTIVE revision (Security Hub evaluates only that one), or every ACTIVE
 *   revision with `--all-revisions`.
 *
 * Paging uses the SDK's paginators; throttling and timeouts are retried by the SDK's standard retry
 * strategy (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), so this file
 * has neither a nextToken loop nor a sleep. Every exchange has a deadline (LIVE_TIMEOUTS), a repeated
 * nextToken ends the audit, and the whole audit has a time limit (--timeout).
 */
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type ECSClientConfig,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import { AuditInputError } from '../errors';
import { redactUrls } from '../untrusted-text';
import { type AuditModel, emptyModel, type Origin } from '../model';
import {
  capacityProviderFromDocument,
  clusterFromDocument,
  containerInstanceFromDocument,
  serviceFromDocument,
  taskDefinitionFromDocument,
  taskSetFromDocument,
} from './ecs-document';

type Doc = Record<string, unknown>;

export interface LiveOptions {
  readonly cluster?: string;
  readonly families?: readonly string[];
  /** Every ACTIVE revision of each family, not only the latest. */
  readonly allRevisions?: boolean;
  readonly region?: string;
  readonly profile?: string;
  /** A custom ECS endpoint (a VPC endpoint, or a local test server). */
  readonly endpoint?: string;
  /** A ready client (tests); the options above are then ignored. */
  readonly client?: ECSClient;
  /** Called with a short status as the audit progresses (the CLI writes it to stderr). */
  readonly progress?: (message: string) => void;
  /** Called with a one-line warning from the SDK. */
  readonly warn?: (line: string) => void;
  /** The whole live audit ends after this many seconds. @default DEFAULT_LIVE_TIME_LIMIT_SECONDS */
  readonly timeLimitSeconds?: number;
}

/** Read-only permissions the live audit needs (README "Security audit" lists them too). */
const LIVE_AUDIT_PERMISSIONS = [
  'ecs:DescribeClusters',
  'ecs:DescribeCapacityProviders',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:ListContainerInstances',
  'ecs:DescribeContainerInstances',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
];

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
export type LiveClientOptions = Pick<LiveOptions, 'region' | 'profile' | 'endpoint' | 'warn'> & {
  credentials?: ECSClientConfig['credentials'];
  timeouts?: LiveTimeouts;
};

/** The client the CLI uses for ECS. */
export function createEcsClient(options: LiveClientOptions): ECSClient {
  return new ECSClient(liveClientConfig(options));
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
 * Pages of a listing, refusing a token the endpoint already gave (D14): the SDK's `stopOnSameToken`
 * stops only on a token equal to the previous one and then ends quietly, which would audit part of
 * an account as if it were all of it; a cycle (A, B, A) would loop forever.
 */
async function* distinctPages<T extends { nextToken?: string }>(operation: string, pages: AsyncIterable<T>): AsyncGenerator<T> {
  const seen = new Set<string>();
  for await (const page of pages) {
    if (page.nextToken !== undefined) {
      if (seen.has(page.nextToken)) {
        throw new AuditInputError(
          `ECS ${operation} returned a nextToken it had already returned; the listing would never end, so the audit stops (check --endpoint)`,
        );
      }
      seen.add(page.nextToken);
    }
    yield page;
  }
}

/** ECS sends objects in its lists; anything else from a misbehaving endpoint is skipped, not dereferenced. */
function isDocument<T>(value: T): value is NonNullable<T> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const origin = (arn: string): Origin => ({ kind: 'ecs-api', arn });

/** `arn:aws:ecs:r:a:task-definition/web:3` is family `web`. */
function familyOf(taskDefinitionArn: string): string {
  return taskDefinitionArn.replace(/^.*:task-definition\//, '').replace(/:\d+$/, '');
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function loadCluster(client: ECSClient, name: string, model: AuditModel, taskDefinitions: Set<string>, progress: (m: string) => void): Promise<void> {
  const { clusters = [], failures = [] } = await client.send(new DescribeClustersCommand({ clusters: [name], include: ['SETTINGS', 'CONFIGURATIONS'] }));
  const cluster = clusters.find((c) => c.status !== 'INACTIVE');
  if (!cluster?.clusterArn) throw new AuditInputError(`cluster ${name} not found${failures[0]?.reason ? ` (${failures[0].reason})` : ''}`);
  const clusterArn = cluster.clusterArn;
  model.clusters.push(clusterFromDocument(cluster as Doc, clusterArn, origin(clusterArn)));

  const providers = (cluster.capacityProviders ?? []).filter((p) => p !== 'FARGATE' && p !== 'FARGATE_SPOT');
  if (providers.length) {
    const { capacityProviders = [] } = await client.send(new DescribeCapacityProvidersCommand({ capacityProviders: providers }));
    for (const cp of capacityProviders.filter(isDocument)) {
      const arn = cp.capacityProviderArn ?? cp.name ?? 'capacity-provider';
      model.capacityProviders.push(capacityProviderFromDocument(cp as Doc, arn, origin(arn)));
    }
  }

  // DescribeServices takes at most 10 services per call, so pages of 10 map one to one.
  for await (const page of distinctPages('ListServices', paginateListServices({ client, pageSize: 10, stopOnSameToken: true }, { cluster: clusterArn }))) {
    const arns = page.serviceArns ?? [];
    if (arns.length === 0) continue;
    const { services = [] } = await client.send(new DescribeServicesCommand({ cluster: clusterArn, services: arns }));
    for (const service of services.filter(isDocument)) {
      const arn = service.serviceArn ?? service.serviceName ?? 'service';
      model.services.push(serviceFromDocument(service as Doc, arn, origin(arn)));
      for (const taskSet of service.taskSets ?? []) {
        const tsArn = taskSet.taskSetArn ?? `${arn}/task-set`;
        model.taskSets.push(taskSetFromDocument(taskSet as Doc, tsArn, origin(tsArn)));
      }
      // The revisions that run: the primary and any deployment still rolling.
      for (const td of [service.taskDefinition, ...(service.deployments ?? []).map((d) => d.taskDefinition)]) if (td) taskDefinitions.add(td);
    }
    progress(`cluster ${cluster.clusterName}: ${model.services.length} service(s) read`);
  }

  let instances = 0;
  for await (const page of distinctPages(
    'ListContainerInstances',
    paginateListContainerInstances({ client, pageSize: 100, stopOnSameToken: true }, { cluster: clusterArn }),
  )) {
    for (const batch of chunks(page.containerInstanceArns ?? [], 100)) {
      const { containerInstances = [] } = await client.send(new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: batch }));
      model.containerInstances.push(...containerInstances.filter(isDocument).map((ci) => containerInstanceFromDocument(ci as Doc, clusterArn)));
      instances += containerInstances.length;
    }
    progress(`cluster ${cluster.clusterName}: ${instances} container instance(s) read`);
  }
}

/** The ACTIVE revisions of a family, newest first: all of them, or only the latest. */
async function familyRevisions(client: ECSClient, family: string, all: boolean): Promise<string[]> {
  const found: string[] = [];
  // familyPrefix matches prefixes ("web" also lists "web-admin"), so the family is compared exactly.
  for await (const page of distinctPages(
    'ListTaskDefinitions',
    paginateListTaskDefinitions({ client, stopOnSameToken: true }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' }),
  )) {
    found.push(...(page.taskDefinitionArns ?? []).filter((arn) => familyOf(arn) === family));
    if (!all && found.length) break;
  }
  if (found.length === 0) throw new AuditInputError(`no ACTIVE task definition in family ${family}`);
  return all ? found : found.slice(0, 1);
}

/** Load the live model. Errors from AWS become one-line `AuditInputError`s (exit 2). */
export async function loadLiveEcs(options: LiveOptions): Promise<AuditModel> {
  const client = options.client ?? createEcsClient(options);
  const progress = options.progress ?? (() => undefined);
  const model = emptyModel();
  const site: CallSite = {};
  trackCalls(client, site);
  const read = async () => {
    const taskDefinitions = new Set<string>();
    if (options.cluster !== undefined) await loadCluster(client, options.cluster, model, taskDefinitions, progress);
    for (const family of options.families ?? []) {
      for (const arn of await familyRevisions(client, family, options.allRevisions === true)) taskDefinitions.add(arn);
    }
    let done = 0;
    for (const arn of taskDefinitions) {
      const { taskDefinition } = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      if (!isDocument(taskDefinition)) continue;
      const id = typeof taskDefinition.taskDefinitionArn === 'string' ? taskDefinition.taskDefinitionArn : arn;
      model.taskDefinitions.push(taskDefinitionFromDocument(taskDefinition as Doc, id, origin(id)));
      progress(`task definitions: ${++done}/${taskDefinitions.size} read`);
    }
  };
  try {
    await withinTimeLimit(read, options.timeLimitSeconds ?? DEFAULT_LIVE_TIME_LIMIT_SECONDS, site);
  } catch (e) {
    throw liveError(e, options, site);
  } finally {
    // Also aborts what is still in flight when the time limit ended the audit.
    if (!options.client) client.destroy();
  }
  return model;
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

const ECS_SERVICE: LiveService = { name: 'ECS', endpointHint: '--endpoint or AWS_ENDPOINT_URL_ECS', permissions: LIVE_AUDIT_PERMISSIONS };

/** SDK errors clients can act on, as one line. Anything else is a bug and propagates unchanged. */
export function liveError(
  e: unknown,
  options: Pick<LiveOptions, 'cluster' | 'endpoint' | 'profile'> = {},
  site: CallSite = {},
  service: LiveService = ECS_SERVICE,
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
