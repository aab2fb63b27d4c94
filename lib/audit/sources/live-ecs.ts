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
 * has neither a nextToken loop nor a sleep. Every exchange has a deadline (./live-client.ts), a repeated
 * nextToken ends the audit, and the whole audit has a time limit (--timeout).
 */
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import { AuditInputError } from '../errors';
import { type AuditModel, emptyModel, type Origin } from '../model';
import {
  capacityProviderFromDocument,
  clusterFromDocument,
  containerInstanceFromDocument,
  serviceFromDocument,
  taskDefinitionFromDocument,
  taskSetFromDocument,
} from './ecs-document';
import {
  type CallSite,
  DEFAULT_LIVE_TIME_LIMIT_SECONDS,
  liveClientConfig,
  type LiveClientOptions,
  liveError,
  type LiveService,
  trackCalls,
  withinTimeLimit,
} from './live-client';

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

/** The client the CLI uses for ECS. */
export function createEcsClient(options: LiveClientOptions): ECSClient {
  return new ECSClient(liveClientConfig(options));
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
    throw liveError(e, options, site, ECS_SERVICE);
  } finally {
    // Also aborts what is still in flight when the time limit ended the audit.
    if (!options.client) client.destroy();
  }
  return model;
}

const ECS_SERVICE: LiveService = { name: 'ECS', endpointHint: '--endpoint or AWS_ENDPOINT_URL_ECS', permissions: LIVE_AUDIT_PERMISSIONS };
