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
 * Paging uses the SDK's paginators; throttling is retried by the SDK's standard retry strategy
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), so this file has
 * neither a nextToken loop nor a sleep.
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

/** The client the CLI uses; `credentials` is for tests (the CLI uses the SDK's default chain). */
export function createEcsClient(options: Pick<LiveOptions, 'region' | 'profile' | 'endpoint'> & { credentials?: ECSClientConfig['credentials'] }): ECSClient {
  return new ECSClient({
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Standard mode with a few more attempts than the default 3: large accounts hit ECS's rate limits.
    retryMode: 'standard',
    maxAttempts: 6,
  });
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
    for (const cp of capacityProviders) {
      const arn = cp.capacityProviderArn ?? cp.name ?? 'capacity-provider';
      model.capacityProviders.push(capacityProviderFromDocument(cp as Doc, arn, origin(arn)));
    }
  }

  // DescribeServices takes at most 10 services per call, so pages of 10 map one to one.
  for await (const page of paginateListServices({ client, pageSize: 10 }, { cluster: clusterArn })) {
    const arns = page.serviceArns ?? [];
    if (arns.length === 0) continue;
    const { services = [] } = await client.send(new DescribeServicesCommand({ cluster: clusterArn, services: arns }));
    for (const service of services) {
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
  for await (const page of paginateListContainerInstances({ client, pageSize: 100 }, { cluster: clusterArn })) {
    for (const batch of chunks(page.containerInstanceArns ?? [], 100)) {
      const { containerInstances = [] } = await client.send(new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: batch }));
      model.containerInstances.push(...containerInstances.map((ci) => containerInstanceFromDocument(ci as Doc, clusterArn)));
      instances += containerInstances.length;
    }
    progress(`cluster ${cluster.clusterName}: ${instances} container instance(s) read`);
  }
}

/** The ACTIVE revisions of a family, newest first: all of them, or only the latest. */
async function familyRevisions(client: ECSClient, family: string, all: boolean): Promise<string[]> {
  const found: string[] = [];
  // familyPrefix matches prefixes ("web" also lists "web-admin"), so the family is compared exactly.
  for await (const page of paginateListTaskDefinitions({ client }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' })) {
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
  const taskDefinitions = new Set<string>();
  try {
    if (options.cluster) await loadCluster(client, options.cluster, model, taskDefinitions, progress);
    for (const family of options.families ?? []) {
      for (const arn of await familyRevisions(client, family, options.allRevisions === true)) taskDefinitions.add(arn);
    }
    let read = 0;
    for (const arn of taskDefinitions) {
      const { taskDefinition } = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      if (!taskDefinition) continue;
      const id = taskDefinition.taskDefinitionArn ?? arn;
      model.taskDefinitions.push(taskDefinitionFromDocument(taskDefinition as Doc, id, origin(id)));
      progress(`task definitions: ${++read}/${taskDefinitions.size} read`);
    }
  } catch (e) {
    throw liveError(e, options);
  } finally {
    if (!options.client) client.destroy();
  }
  return model;
}

/** SDK errors clients can act on, as one line. Anything else is a bug and propagates unchanged. */
function liveError(e: unknown, options: Pick<LiveOptions, 'cluster' | 'endpoint' | 'profile'> = {}): Error {
  if (e instanceof AuditInputError) return e;
  const err = e as { name?: string; message?: string; code?: string; $metadata?: unknown };
  const name = err.name ?? '';
  const message = (err.message ?? String(e)).split('\n')[0];
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new AuditInputError(
      options.profile
        ? `no AWS credentials found for profile ${options.profile} (check ~/.aws/config and ~/.aws/credentials)`
        : 'no AWS credentials found: use --profile, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    );
  }
  if (/region is missing/i.test(message)) return new AuditInputError('no AWS region: pass --region or set AWS_REGION');
  if (['AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'UnauthorizedOperation'].includes(name)) {
    return new AuditInputError(`access denied by AWS (${name}): ${message}. The audit needs read-only ${LIVE_AUDIT_PERMISSIONS.join(', ')}`);
  }
  if (name === 'ClusterNotFoundException') return new AuditInputError(`cluster ${options.cluster ?? ''} not found: ${message}`);
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(err.code ?? '') || name === 'TimeoutError') {
    return new AuditInputError(`cannot reach the ECS endpoint${options.endpoint ? ` ${options.endpoint}` : ''}: ${message}`);
  }
  if (err.$metadata) return new AuditInputError(`ECS API error ${name}: ${message}`);
  return e as Error;
}
