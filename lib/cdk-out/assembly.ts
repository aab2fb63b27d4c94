/**
 * The one reader of a synthesized cloud assembly (`cdk.out`), shared by `secure-ecs local` and
 * `secure-ecs audit`: the stacks of the assembly and of its nested assemblies (CDK Stages), each with
 * its template, the asset manifests it depends on (found through the artifact's `dependencies`, as
 * the CDK toolkit finds them, not by file name) and its metadata (the manifest's, plus the stack's
 * `additionalMetadataFile`). Manifests are loaded and schema-checked by CDK's own
 * @aws-cdk/cloud-assembly-schema.
 * https://github.com/aws/aws-cdk-cli/tree/main/packages/%40aws-cdk/cloud-assembly-schema
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ArtifactType, Manifest, type AssetManifest, type DockerImageSource, type MetadataEntry } from '@aws-cdk/cloud-assembly-schema';

/** The directory is not a readable cloud assembly (the CLIs report it as bad input). */
export class CloudAssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudAssemblyError';
  }
}

export interface AssemblyStack {
  /** Artifact id (the stack's name in `cdk deploy`). */
  readonly id: string;
  /** Directory of the (nested) assembly holding the stack. */
  readonly directory: string;
  /** Absolute path of the stack's template. */
  readonly templateFile: string;
  readonly assetManifests: { readonly file: string; readonly manifest: AssetManifest }[];
  /** Construct path -> metadata entries. */
  readonly metadata: Record<string, MetadataEntry[]>;
}

export interface DockerImageAsset {
  /** The asset hash: the key of `dockerImages`, and the image tag CDK pushes. */
  readonly id: string;
  readonly displayName?: string;
  readonly source: DockerImageSource;
  /** Absolute build context directory, when built from a directory. */
  readonly directory?: string;
}

/** Every stack of the assembly in `dir`, nested assemblies included. */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new CloudAssemblyError(`${dir} is not a cloud assembly (no manifest.json); run cdk synth first`);
  let manifest;
  try {
    // skipVersionCheck: an assembly written by a newer CLI still has the fields read here.
    manifest = Manifest.loadAssemblyManifest(manifestFile, { skipVersionCheck: true });
  } catch (e) {
    throw new CloudAssemblyError(`${manifestFile} is not a valid cloud assembly manifest: ${(e as Error).message.split('\n')[0]}`);
  }
  const artifacts = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === ArtifactType.NESTED_CLOUD_ASSEMBLY) {
      const props = artifact.properties as { directoryName: string };
      stacks.push(...readAssembly(path.join(dir, props.directoryName)));
      continue;
    }
    if (artifact.type !== ArtifactType.AWS_CLOUDFORMATION_STACK) continue;
    const props = artifact.properties as { templateFile: string };
    const assetManifests = (artifact.dependencies ?? [])
      .map((dep) => artifacts[dep])
      .filter((a) => a?.type === ArtifactType.ASSET_MANIFEST)
      .map((a) => {
        const file = path.join(dir, (a!.properties as { file: string }).file);
        return { file, manifest: Manifest.loadAssetManifest(file) };
      });
    const extra = artifact.additionalMetadataFile
      ? (JSON.parse(readFileSync(path.join(dir, artifact.additionalMetadataFile), 'utf8')) as Record<string, MetadataEntry[]>)
      : {};
    stacks.push({ id, directory: dir, templateFile: path.join(dir, props.templateFile), assetManifests, metadata: { ...(artifact.metadata ?? {}), ...extra } });
  }
  return stacks;
}

/** The container image assets a stack depends on. */
export function dockerImageAssets(stack: Pick<AssemblyStack, 'assetManifests'>): DockerImageAsset[] {
  return stack.assetManifests.flatMap(({ file, manifest }) =>
    Object.entries(manifest.dockerImages ?? {}).map(([id, image]) => ({
      id,
      displayName: image.displayName,
      source: image.source,
      directory: image.source.directory ? path.resolve(path.dirname(file), image.source.directory) : undefined,
    })),
  );
}

/** A stack's template, parsed. */
export function readTemplate(stack: Pick<AssemblyStack, 'templateFile'>): Record<string, any> {
  try {
    return JSON.parse(readFileSync(stack.templateFile, 'utf8'));
  } catch (e) {
    throw new CloudAssemblyError(`cannot read ${stack.templateFile}: ${e instanceof SyntaxError ? 'not valid JSON' : (e as Error).message}`);
  }
}
