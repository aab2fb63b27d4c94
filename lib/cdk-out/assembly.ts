/**
 * The one reader of a synthesized cloud assembly (`cdk.out`), shared by `secure-ecs local` and
 * `secure-ecs audit`: the stacks of the assembly and of its nested assemblies (CDK Stages), each with
 * its template, the asset manifests it depends on (found through the artifact's `dependencies`, as
 * the CDK toolkit finds them, not by file name) and its metadata (the manifest's, plus the stack's
 * `additionalMetadataFile`). Manifests are loaded and schema-checked by CDK's own
 * @aws-cdk/cloud-assembly-schema.
 * https://github.com/aws/aws-cdk-cli/tree/main/packages/%40aws-cdk/cloud-assembly-schema
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileProblem } from '../input/file-problem';
import { jsonSyntaxError, MAX_JSON_DEPTH, nestingBeyond } from '../input/json-text';
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
  return readAssemblyOnce(dir, new Set(), dir);
}

/** Why a manifest could not be loaded: the errno, "not valid JSON", or the schema's first complaint (V8's JSON messages quote the file, so never those). */
function manifestProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code) return fileProblem(e);
  if (e instanceof SyntaxError || /JSON/.test(err.message ?? '')) return 'not valid JSON';
  return (err.message ?? String(e)).split('\n')[0].slice(0, 200);
}

/** A JSON file of the assembly, parsed; failures name the file and the place, never the content. */
function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CloudAssemblyError(`cannot read ${file}: ${fileProblem(e)}`);
  }
  const deep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (deep) throw new CloudAssemblyError(`${file} nests values deeper than ${MAX_JSON_DEPTH} levels (line ${deep.line})`);
  try {
    return JSON.parse(text);
  } catch {
    throw new CloudAssemblyError(`${file} is not valid JSON: ${jsonSyntaxError(text)}`);
  }
}

/** `relative` resolved inside `dir`, or why not: a manifest (`namedIn`) must not send the reader elsewhere. */
function inside(dir: string, relative: unknown, what: string, namedIn = path.join(dir, 'manifest.json')): string {
  if (typeof relative !== 'string' || relative === '') throw new CloudAssemblyError(`${namedIn}: ${what} is missing`);
  const file = path.resolve(dir, relative);
  const root = path.resolve(dir);
  if (file !== root && !file.startsWith(root + path.sep)) throw new CloudAssemblyError(`${namedIn}: ${what} points outside the assembly`);
  return file;
}

function readAssemblyOnce(dir: string, visited: Set<string>, root: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new CloudAssemblyError(`${dir} is not a cloud assembly (no manifest.json); run cdk synth first`);
  // A nested assembly that names itself (or an ancestor) would recurse without end.
  const real = realpathSync(dir);
  if (visited.has(real)) throw new CloudAssemblyError(`${manifestFile}: a nested assembly includes itself`);
  visited.add(real);
  let manifest;
  try {
    // skipVersionCheck: an assembly written by a newer CLI still has the fields read here.
    manifest = Manifest.loadAssemblyManifest(manifestFile, { skipVersionCheck: true });
  } catch (e) {
    throw new CloudAssemblyError(`${manifestFile} is not a valid cloud assembly manifest: ${manifestProblem(e)}`);
  }
  const artifacts = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === ArtifactType.NESTED_CLOUD_ASSEMBLY) {
      const props = artifact.properties as { directoryName?: unknown } | undefined;
      stacks.push(...readAssemblyOnce(inside(dir, props?.directoryName, `${id}'s directoryName`), visited, root));
      continue;
    }
    if (artifact.type !== ArtifactType.AWS_CLOUDFORMATION_STACK) continue;
    const props = artifact.properties as { templateFile?: unknown } | undefined;
    const templateFile = inside(dir, props?.templateFile, `${id}'s templateFile`);
    const assetManifests = (artifact.dependencies ?? [])
      .map((dep) => artifacts[dep])
      .filter((a) => a?.type === ArtifactType.ASSET_MANIFEST)
      .map((a) => {
        const file = inside(dir, (a!.properties as { file?: unknown } | undefined)?.file, `${id}'s asset manifest`);
        return { file, manifest: readAssetManifest(file, root) };
      });
    stacks.push({
      id,
      directory: dir,
      templateFile,
      assetManifests,
      metadata: { ...(artifact.metadata ?? {}), ...additionalMetadata(dir, id, artifact.additionalMetadataFile) },
    });
  }
  return stacks;
}

/**
 * An asset manifest, loaded and checked: failures name the file, never its content, and image build
 * contexts stay inside `root` (the top assembly, where Stages stage them as `../asset.<hash>` from a
 * nested one; for a lone template, its folder): a hostile manifest must not make the audit read
 * /etc as a build context (D21).
 */
export function readAssetManifest(file: string, root: string): AssetManifest {
  let assets: AssetManifest;
  try {
    assets = Manifest.loadAssetManifest(file);
  } catch (e) {
    throw new CloudAssemblyError(`${file} is not a valid asset manifest: ${manifestProblem(e)}`);
  }
  for (const [assetId, image] of Object.entries(assets.dockerImages ?? {})) {
    if (image.source.directory !== undefined)
      inside(root, path.relative(root, path.resolve(path.dirname(file), image.source.directory)), `asset ${assetId}'s directory`, file);
  }
  return assets;
}

/** The stack's `additionalMetadataFile`: construct path -> entries. */
function additionalMetadata(dir: string, id: string, relative: string | undefined): Record<string, MetadataEntry[]> {
  if (relative === undefined) return {};
  const file = inside(dir, relative, `${id}'s additionalMetadataFile`);
  const parsed = readJsonFile(file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CloudAssemblyError(`${file}: not an object of metadata entries`);
  return parsed as Record<string, MetadataEntry[]>;
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
  return readJsonFile(stack.templateFile) as Record<string, any>;
}
