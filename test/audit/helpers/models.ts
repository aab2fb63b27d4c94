/**
 * Builds audit models the way each source does, so rule tests run every case through both a
 * CloudFormation template and an ECS API document.
 */
import { type AuditModel, emptyModel, mergeModels } from '../../../lib/audit/model';
import { modelFromTemplate } from '../../../lib/audit/sources/cloudformation';
import { dockerfileModel } from '../../../lib/audit/sources/dockerfile';
import {
  capacityProviderFromDocument,
  clusterFromDocument,
  containerInstanceFromDocument,
  serviceFromDocument,
  taskSetFromDocument,
} from '../../../lib/audit/sources/ecs-document';
import { taskDefinitionModel } from '../../../lib/audit/sources/task-definition-file';

type Doc = Record<string, any>;

/** camelCase API keys to CloudFormation's PascalCase (written independently of the normalizer under test). */
const CFN_KEYS: Record<string, string> = { efsVolumeConfiguration: 'EFSVolumeConfiguration' };
const USER_MAPS = new Set(['options', 'dockerLabels']);
export function toCfn(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toCfn(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [keepKeys ? k : (CFN_KEYS[k] ?? k.charAt(0).toUpperCase() + k.slice(1)), toCfn(v, USER_MAPS.has(k))]),
    );
  }
  return value;
}

/** A template of resources keyed by logical id. */
export function templateModel(resources: Record<string, { Type: string; Properties?: Doc }>, parameters: Doc = {}): AuditModel {
  return modelFromTemplate({ stack: 'Test', file: 'test.template.json', template: { Parameters: parameters, Resources: resources } });
}

/** A task definition from an API document (describe-task-definition output shape). */
export function apiTaskDefinition(td: Doc): AuditModel {
  return taskDefinitionModel({ taskDefinition: { taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1', ...td } }, 'inline.json');
}

/** The same task definition as an `AWS::ECS::TaskDefinition` resource. */
export function cfnTaskDefinition(td: Doc): AuditModel {
  return templateModel({ Task: { Type: 'AWS::ECS::TaskDefinition', Properties: toCfn(td) as Doc } });
}

export function apiModel(docs: { services?: Doc[]; taskSets?: Doc[]; clusters?: Doc[]; capacityProviders?: Doc[]; containerInstances?: Doc[] }): AuditModel {
  const model = emptyModel();
  for (const t of docs.taskSets ?? []) model.taskSets.push(taskSetFromDocument(t, t.taskSetArn, { kind: 'ecs-api', arn: t.taskSetArn }));
  for (const s of docs.services ?? []) model.services.push(serviceFromDocument(s, s.serviceArn, { kind: 'ecs-api', arn: s.serviceArn }));
  for (const c of docs.clusters ?? []) model.clusters.push(clusterFromDocument(c, c.clusterArn, { kind: 'ecs-api', arn: c.clusterArn }));
  for (const cp of docs.capacityProviders ?? []) model.capacityProviders.push(capacityProviderFromDocument(cp, cp.capacityProviderArn, { kind: 'ecs-api' }));
  for (const ci of docs.containerInstances ?? [])
    model.containerInstances.push(containerInstanceFromDocument(ci, 'arn:aws:ecs:eu-west-1:111122223333:cluster/web'));
  return model;
}

export function dockerfile(text: string): AuditModel {
  return dockerfileModel(text, 'Dockerfile', 'Dockerfile');
}

export { emptyModel, mergeModels };

/** A task definition that passes every TD rule: the baseline each case changes one thing in. */
export function hardenedTask(): Doc {
  return {
    family: 'web',
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    taskRoleArn: 'arn:aws:iam::111122223333:role/web-task',
    executionRoleArn: 'arn:aws:iam::111122223333:role/web-execution',
    volumes: [],
    containerDefinitions: [hardenedContainer()],
  };
}

export function hardenedContainer(): Doc {
  return {
    name: 'app',
    image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:' + 'a'.repeat(64),
    user: '1000:1000',
    essential: true,
    privileged: false,
    readonlyRootFilesystem: true,
    memory: 256,
    cpu: 128,
    linuxParameters: {
      capabilities: { drop: ['ALL'] },
      initProcessEnabled: true,
      tmpfs: [{ containerPath: '/tmp', size: 16, mountOptions: ['noexec', 'nosuid', 'nodev'] }],
    },
    dockerSecurityOptions: ['no-new-privileges'],
    ulimits: [
      { name: 'nofile', softLimit: 4096, hardLimit: 4096 },
      { name: 'nproc', softLimit: 1024, hardLimit: 1024 },
    ],
    healthCheck: { command: ['CMD', '/usr/local/bin/healthcheck'], interval: 10 },
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': 'web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app', mode: 'non-blocking', 'max-buffer-size': '25m' },
    },
    portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
  };
}
