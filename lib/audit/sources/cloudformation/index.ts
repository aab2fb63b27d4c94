/**
 * CloudFormation source: a template file, or a cloud assembly directory (`cdk.out`) with all its
 * stacks, nested assemblies included, and the Dockerfiles of its container image assets.
 *
 * One mapper per service, named after the rule prefixes that read what it maps (./ecs.ts, ./ec2.ts,
 * ...). Each reads the template through a shared context (./context.ts); resource properties are
 * converted to the ECS API's camelCase and intrinsics become `Unknown` (catalog §2.7, ./normalize.ts),
 * then mapped by the same code as API documents (../ecs-document.ts).
 */
import { statSync } from 'node:fs';
import { AuditInputError } from '../../errors';
import { type AuditModel, emptyModel, mergeModels } from '../../model';
import { readJson } from '../read-json';
import { fileProblem } from '../../../input/file-problem';
import { CloudAssemblyError, dockerImageAssets, readAssembly, type DockerImageAsset } from '../../../cdk-out/assembly';
import { assetDockerfiles, stackNameOf } from './assets';
import { templateContext, type TemplateContext, type TemplateSource } from './context';
import { ec2Resources } from './ec2';
import { ecrResources } from './ecr';
import { ecsResources } from './ecs';
import { elbResources } from './elb';
import { iamResources } from './iam';
import { kmsResources } from './kms';
import { logsResources } from './logs';
import { rdsResources } from './rds';
import { s3Resources } from './s3';
import { secretsResources } from './secrets';
import { securityGroupResources } from './security-groups';
import { vpcResources } from './vpc';

export { lowerCamel, normalizeCfn } from './normalize';
export { assetDockerfiles, stackNameOf };
export type { TemplateSource };

const MAPPERS: readonly ((ctx: TemplateContext) => Partial<AuditModel>)[] = [
  ecsResources,
  ec2Resources,
  securityGroupResources,
  elbResources,
  s3Resources,
  logsResources,
  iamResources,
  kmsResources,
  ecrResources,
  secretsResources,
  rdsResources,
  vpcResources,
];

/** Map one template into the model: every mapper reads the same context; their parts are merged. */
export function modelFromTemplate(source: TemplateSource): AuditModel {
  const ctx = templateContext(source);
  return mergeModels(...MAPPERS.map((mapper) => ({ ...emptyModel(), ...mapper(ctx) })));
}

function templateSource(file: string, stack: string): TemplateSource {
  const { json, text } = readJson(file);
  return { stack, file, template: json, text };
}

/** The stacks of a cloud assembly directory (nested assemblies included), read by the shared reader. */
function assemblyStacks(dir: string): { file: string; stack: string; images: DockerImageAsset[] }[] {
  try {
    return readAssembly(dir).map((s) => ({ file: s.templateFile, stack: s.id, images: dockerImageAssets(s) }));
  } catch (e) {
    if (e instanceof CloudAssemblyError) throw new AuditInputError(e.message);
    throw e;
  }
}

/**
 * Load `--template PATH`: a template file or a cloud assembly directory. A template without a task
 * definition (a network-only or bucket-only stack) is audited for whatever resources it has.
 */
export function loadCloudFormation(target: string): AuditModel {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (e) {
    throw new AuditInputError(`cannot read ${target}: ${fileProblem(e)}`);
  }
  const templates = isDir ? assemblyStacks(target) : [{ file: target, stack: stackNameOf(target), images: undefined }];
  return mergeModels(...templates.flatMap(({ file, stack, images }) => [modelFromTemplate(templateSource(file, stack)), assetDockerfiles(file, images)]));
}
