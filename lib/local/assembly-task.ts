/**
 * The task definition and its container image build contexts, from the synthesized cloud assembly
 * (cdk.out, read by lib/cdk-out/assembly.ts): the template holds the `AWS::ECS::TaskDefinition`; the
 * asset manifests' `dockerImages` give each image's build directory.
 */
import { agentSettingsOfTemplate, type AgentSettings } from '../cfn/agent-settings';
import { dockerImageAssets, readAssembly, readTemplate, type DockerImageAsset } from '../cdk-out/assembly';
import { databaseOfTemplate, type TemplateDatabase } from './standin/template-database';
import { accessPointsOfTemplate, type AccessPointShape } from './translate/efs-volumes';

/** How to obtain one container's image locally. */
export interface ImageSource {
  /** Asset hash (the ECR image tag CDK pushes); absent for an image named in the template. */
  readonly assetHash?: string;
  /** Absolute build context directory (cdk.out/asset.<hash>). */
  readonly directory?: string;
  readonly dockerfile?: string;
  readonly buildArgs?: Record<string, string>;
  readonly target?: string;
  readonly platform?: string;
  readonly networkMode?: string;
  /** A registry image named directly in the template (not a CDK asset). */
  readonly registryRef?: string;
}

export interface AssemblyTask {
  readonly stackName: string;
  readonly templateFile: string;
  readonly logicalId: string;
  /** The task definition's Properties, exactly as in the template. */
  readonly properties: Record<string, unknown>;
  /** Image source per ECS container name. */
  readonly images: Record<string, ImageSource>;
  /** The ECS agent settings the same template gives its container instances (ECS_TASK_PIDS_LIMIT ...). */
  readonly agentSettings: AgentSettings;
  /** The template's database instance, which the runner stands in for locally (standin/). */
  readonly database?: TemplateDatabase;
  /** The template's EFS access points, for the owner of the task's EFS volumes. */
  readonly accessPoints: Record<string, AccessPointShape>;
}

type Obj = Record<string, any>;

/** Find the single task definition of the assembly in `outdir`, nested assemblies included (reads the files). */
export function readAssemblyTask(outdir: string): AssemblyTask {
  const found: AssemblyTask[] = [];
  for (const stack of readAssembly(outdir)) {
    const dockerImages = Object.fromEntries(dockerImageAssets(stack).map((a) => [a.id, a]));
    found.push(...findTasks(stack.id, stack.templateFile, readTemplate(stack), dockerImages));
  }
  if (found.length !== 1) {
    throw new Error(
      found.length === 0
        ? `no AWS::ECS::TaskDefinition in the assembly ${outdir}`
        : `the local runner runs one task definition; the assembly has ${found.length}: ${found.map((t) => `${t.stackName}/${t.logicalId}`).join(', ')}`,
    );
  }
  return found[0];
}

/** The task definitions of one parsed template, with their containers' image sources. Pure. */
export function findTasks(stackName: string, templateFile: string, template: Obj, dockerImages: Record<string, DockerImageAsset>): AssemblyTask[] {
  const agentSettings = agentSettingsOfTemplate(template);
  const database = databaseOfTemplate(template);
  const accessPoints = accessPointsOfTemplate(template);
  return Object.entries<Obj>(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::ECS::TaskDefinition')
    .map(([logicalId, r]) => {
      const properties: Obj = r.Properties ?? {};
      const images: Record<string, ImageSource> = {};
      for (const def of properties.ContainerDefinitions ?? []) {
        images[String(def.Name)] = imageSource(def.Image, dockerImages);
      }
      return { stackName, templateFile, logicalId, properties, images, agentSettings, database, accessPoints };
    });
}

/**
 * A CDK image asset appears in the template as an ECR URI ending in `:<asset hash>` (inside an
 * Fn::Sub/Fn::Join); the hash is the key of `dockerImages` in the asset manifest.
 */
export function imageSource(image: unknown, dockerImages: Record<string, DockerImageAsset>): ImageSource {
  if (typeof image === 'string') return { registryRef: image };
  const text = JSON.stringify(image);
  const hash = Object.keys(dockerImages).find((h) => text.includes(h));
  if (!hash) throw new Error(`image ${text} is neither a registry image nor a CDK image asset of this assembly`);
  const { source, directory } = dockerImages[hash];
  if (!directory) throw new Error(`image asset ${hash} is built by an executable, which the local runner does not run`);
  return {
    assetHash: hash,
    directory,
    dockerfile: source.dockerFile,
    buildArgs: source.dockerBuildArgs,
    target: source.dockerBuildTarget,
    platform: source.platform,
    networkMode: source.networkMode,
  };
}
