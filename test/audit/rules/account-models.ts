/**
 * Models the live account source (lib/audit/sources/live-account.ts) produces, for the account rules'
 * cases: a registry's reading, the CDK assets repository, GuardDuty's coverage and the cluster's
 * container instances.
 */
import { type AuditModel, type EcrRepository, emptyModel, type Registry, type RuntimeMonitoring } from '../../../lib/audit/model';

const ASSETS = 'cdk-hnb659fds-container-assets-111122223333-eu-west-1';
const REGISTRY = 'arn:aws:ecr:eu-west-1:111122223333:registry';
const REPOSITORY = `arn:aws:ecr:eu-west-1:111122223333:repository/${ASSETS}`;

const HARDENED_REGISTRY: Omit<Registry, 'id' | 'origin'> = {
  assetsRepository: ASSETS,
  signsAssetsRepository: true,
  scanType: 'ENHANCED',
  assetsRepositoryScanFrequency: 'CONTINUOUS_SCAN',
};

const HARDENED_ASSETS_REPOSITORY: Omit<EcrRepository, 'id' | 'origin'> = {
  scanOnPush: true,
  tagMutability: 'IMMUTABLE',
  encryptionType: 'KMS',
  hasLifecyclePolicy: true,
};

export function account(registry: Partial<Registry> = {}, repository: Partial<EcrRepository> | null = {}): AuditModel {
  const model = emptyModel();
  model.registries.push({ id: REGISTRY, origin: { kind: 'ecs-api', arn: REGISTRY }, ...HARDENED_REGISTRY, ...registry });
  if (repository) model.assetsRepositories.push({ id: REPOSITORY, origin: { kind: 'ecs-api', arn: REPOSITORY }, ...HARDENED_ASSETS_REPOSITORY, ...repository });
  return model;
}

const DETECTOR = 'arn:aws:guardduty:eu-west-1::detector/d1';

/** A cluster of two container instances, and GuardDuty as `guardDuty` says (undefined: not read). */
export function coverage(guardDuty: Partial<RuntimeMonitoring> | undefined, instances: readonly string[] = ['i-1', 'i-2']): AuditModel {
  const model = emptyModel();
  for (const id of instances) {
    const arn = `arn:aws:ecs:eu-west-1:111122223333:container-instance/web/${id}`;
    model.containerInstances.push({ id: arn, origin: { kind: 'ecs-api', arn }, ec2InstanceId: id, attributes: [] });
  }
  if (guardDuty) {
    model.runtimeMonitoring.push({
      id: DETECTOR,
      origin: { kind: 'ecs-api', arn: DETECTOR },
      detectorId: 'd1',
      enabled: true,
      ec2AgentManagement: true,
      coverage: { 'i-1': { status: 'HEALTHY' }, 'i-2': { status: 'HEALTHY' } },
      ...guardDuty,
    });
  }
  return model;
}
