/**
 * Live source for the account and registry settings (`secure-ecs audit --account`): read-only ECR
 * and GuardDuty calls in the audited region.
 *
 * - ECR: DescribeRegistry (the account), GetSigningConfiguration and GetRegistryScanningConfiguration
 *   (which rules match the CDK assets repository: ECR-SIGN-01, ECR-SCAN-02), DescribeRepositories and
 *   GetLifecyclePolicy of that repository (ECR-TAG-02, ECR-BOOT-01).
 * - GuardDuty: ListDetectors, GetDetector (Runtime Monitoring and EC2 agent management) and
 *   ListCoverage for EC2 instances (GD-RTM-01 compares it with the cluster's container instances).
 *
 * The clients take the same deadlines, retries and one-line errors as the ECS source
 * (./live-client.ts); endpoints follow the SDK's AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL_GUARDDUTY.
 * "Not found" answers are readings (no signing configuration, no lifecycle policy, no repository),
 * not errors.
 */
import {
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetSigningConfigurationCommand,
} from '@aws-sdk/client-ecr';
import { GetDetectorCommand, GuardDutyClient, paginateListCoverage, paginateListDetectors } from '@aws-sdk/client-guardduty';
import { type AuditModel, emptyModel, type Origin, type RuntimeMonitoring } from '../model';
import {
  type CallSite,
  DEFAULT_LIVE_TIME_LIMIT_SECONDS,
  type LiveClientOptions,
  liveClientConfig,
  liveError,
  trackCalls,
  withinTimeLimit,
} from './live-client';
import { auditedPartition } from './partition';
import { wildcardMatches } from './wildcard';

export interface LiveAccountOptions extends LiveClientOptions {
  /** The assets repository's name. @default `cdk-<qualifier>-container-assets-<account>-<region>` */
  readonly assetsRepository?: string;
  /** The CDK bootstrap qualifier. @default hnb659fds */
  readonly qualifier?: string;
  /** Ready clients (tests); the client options are then ignored. */
  readonly ecr?: ECRClient;
  readonly guardDuty?: GuardDutyClient;
  /** The whole read ends after this many seconds. @default DEFAULT_LIVE_TIME_LIMIT_SECONDS */
  readonly timeLimitSeconds?: number;
}

const DEFAULT_QUALIFIER = 'hnb659fds';

const SERVICE = {
  name: 'ECR or GuardDuty',
  endpointHint: 'AWS_ENDPOINT_URL_ECR or AWS_ENDPOINT_URL_GUARDDUTY',
  permissions: [
    'ecr:DescribeRegistry',
    'ecr:GetSigningConfiguration',
    'ecr:GetRegistryScanningConfiguration',
    'ecr:DescribeRepositories',
    'ecr:GetLifecyclePolicy',
    'guardduty:ListDetectors',
    'guardduty:GetDetector',
    'guardduty:ListCoverage',
  ],
};

/** An SDK error of this name is an answer ("there is none"), not a failure. */
const isNamed = (e: unknown, name: string) => (e as { name?: string })?.name === name;

async function orNone<T>(call: Promise<T>, notFound: string): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (isNamed(e, notFound)) return undefined;
    throw e;
  }
}

const origin = (arn: string): Origin => ({ kind: 'ecs-api', arn });

/** Reads the registry and its assets repository; returns the partition of the ids it built (auditedPartition). */
async function readRegistry(ecr: ECRClient, options: LiveAccountOptions, model: AuditModel): Promise<string> {
  const { registryId = 'unknown' } = await ecr.send(new DescribeRegistryCommand({}));
  const region = await ecr.config.region();
  const name = options.assetsRepository ?? `cdk-${options.qualifier ?? DEFAULT_QUALIFIER}-container-assets-${registryId}-${region}`;
  const signing = await orNone(ecr.send(new GetSigningConfigurationCommand({})), 'SigningConfigurationNotFoundException');
  const { scanningConfiguration } = await ecr.send(new GetRegistryScanningConfigurationCommand({}));
  // A rule without filters applies to every repository (PutSigningConfiguration's reference).
  const matches = (filters: readonly { filter?: string }[] | undefined) => !filters?.length || filters.some((f) => wildcardMatches(f.filter ?? '', name));
  // A repository matched by several rules is read as scanned continuously if any of them says so:
  // as we read the ECR user guide (image-scanning-enhanced-enabling.html), continuous scanning takes
  // precedence over scan on push; not checked against an account here.
  const scanRules = (scanningConfiguration?.rules ?? []).filter((r) => (r.repositoryFilters ?? []).some((f) => wildcardMatches(f.filter ?? '', name)));
  const scanRule = scanRules.find((r) => r.scanFrequency === 'CONTINUOUS_SCAN') ?? scanRules[0];
  const found = await orNone(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })), 'RepositoryNotFoundException');
  const repository = found?.repositories?.[0];
  const partition = auditedPartition(region, repository?.repositoryArn);
  const registryArn = `arn:${partition}:ecr:${region}:${registryId}:registry`;
  model.registries.push({
    id: registryArn,
    origin: origin(registryArn),
    assetsRepository: name,
    signsAssetsRepository: (signing?.signingConfiguration?.rules ?? []).some((r) => matches(r.repositoryFilters)),
    scanType: scanningConfiguration?.scanType,
    assetsRepositoryScanFrequency: scanningConfiguration?.scanType === 'ENHANCED' ? scanRule?.scanFrequency : undefined,
  });
  if (!repository) return partition; // Not bootstrapped (or another name): the repository rules are not applicable.
  const lifecycle = await orNone(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name })), 'LifecyclePolicyNotFoundException');
  const arn = repository.repositoryArn ?? registryArn;
  model.assetsRepositories.push({
    id: arn,
    origin: origin(arn),
    scanOnPush: repository.imageScanningConfiguration?.scanOnPush,
    tagMutability: repository.imageTagMutability,
    encryptionType: repository.encryptionConfiguration?.encryptionType,
    hasLifecyclePolicy: Boolean(lifecycle?.lifecyclePolicyText),
  });
  return partition;
}

async function readGuardDuty(guardDuty: GuardDutyClient, partition: string, model: AuditModel): Promise<void> {
  const region = await guardDuty.config.region();
  const detectorIds: string[] = [];
  for await (const page of paginateListDetectors({ client: guardDuty, stopOnSameToken: true }, {})) detectorIds.push(...(page.DetectorIds ?? []));
  const id = `arn:${partition}:guardduty:${region}::detector`;
  const [detectorId] = detectorIds; // one detector per account and region
  if (detectorId === undefined) {
    model.runtimeMonitoring.push({ id, origin: origin(id), enabled: false, ec2AgentManagement: false, coverage: {} });
    return;
  }
  const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId: detectorId }));
  const runtime = detector.Features?.find((f) => f.Name === 'RUNTIME_MONITORING');
  const coverage: Record<string, RuntimeMonitoring['coverage'][string]> = {};
  const pages = paginateListCoverage(
    { client: guardDuty, stopOnSameToken: true },
    { DetectorId: detectorId, FilterCriteria: { FilterCriterion: [{ CriterionKey: 'RESOURCE_TYPE', FilterCondition: { Equals: ['EC2'] } }] } },
  );
  for await (const page of pages) {
    for (const resource of page.Resources ?? []) {
      const instanceId = resource.ResourceDetails?.Ec2InstanceDetails?.InstanceId;
      if (typeof instanceId === 'string') coverage[instanceId] = { status: String(resource.CoverageStatus ?? 'UNKNOWN'), issue: resource.Issue };
    }
  }
  model.runtimeMonitoring.push({
    id: `${id}/${detectorId}`,
    origin: origin(`${id}/${detectorId}`),
    detectorId,
    enabled: detector.Status === 'ENABLED' && runtime?.Status === 'ENABLED',
    ec2AgentManagement: runtime?.AdditionalConfiguration?.some((c) => c.Name === 'EC2_AGENT_MANAGEMENT' && c.Status === 'ENABLED') ?? false,
    coverage,
  });
}

/** Load the account model. Errors from AWS become one-line `AuditInputError`s (exit 2). */
export async function loadLiveAccount(options: LiveAccountOptions): Promise<AuditModel> {
  const config = liveClientConfig({ ...options, endpoint: undefined });
  const ecr = options.ecr ?? new ECRClient(config);
  const guardDuty = options.guardDuty ?? new GuardDutyClient(config);
  const model = emptyModel();
  const site: CallSite = {};
  trackCalls(ecr, site);
  trackCalls(guardDuty, site);
  try {
    await withinTimeLimit(
      async () => {
        const partition = await readRegistry(ecr, options, model);
        await readGuardDuty(guardDuty, partition, model);
      },
      options.timeLimitSeconds ?? DEFAULT_LIVE_TIME_LIMIT_SECONDS,
      site,
    );
  } catch (e) {
    throw liveError(e, options, site, SERVICE);
  } finally {
    if (!options.ecr) ecr.destroy();
    if (!options.guardDuty) guardDuty.destroy();
  }
  return model;
}
