/**
 * `secure-ecs sbom`: a CycloneDX SBOM of each container image of the task. The images are the ones
 * `secure-ecs local up` runs and `cdk deploy` pushes: the cloud assembly is synthesized when stale
 * and each CDK image asset is built with the engine unless its asset-hash tag already exists (cached),
 * exactly as `local up` prepares them (lib/local/images.ts). Each image's packages are read out of the
 * image without running it (image-packages.ts).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { writeReportFile } from '../cli/write-report-file';
import { readAssemblyTask } from '../local/assembly-task';
import { realConnectors, requestedEngine, selectEngine, type EngineRequest } from '../local/engines/select-engine';
import { LocalInputError, LocalStepError } from '../local/errors';
import { hostFacts } from '../local/host/host-facts';
import { ensureImage } from '../local/images';
import { TASK_LABEL_KEY } from '../local/labels';
import type { Reporter } from '../local/progress';
import { assemblyDir, staleReason, synthesize } from '../local/synth';
import { imageBom, serializeBom } from './cyclonedx-bom';
import { readImagePackages } from './image-packages';

export interface SbomOptions {
  readonly projectDir: string;
  /** A cloud assembly already synthesized, used instead of the project's (which is then not synthesized). */
  readonly assemblyDir?: string;
  /** The task's container to describe, or all of them. */
  readonly image: string;
  readonly outputDir: string;
  readonly engineRequest: EngineRequest;
  readonly reporter: Reporter;
  readonly toolVersion: string;
}

export interface WrittenSbom {
  readonly container: string;
  readonly file: string;
  readonly imageId: string;
  readonly packages: number;
  /** Stanzas left out because a field was malformed, with the reason (the name is untrusted text). */
  readonly malformed: { readonly name: string; readonly reason: string }[];
}

/** The file an image's SBOM is written to: `<container>.cdx.json` (CycloneDX's recommended extension). */
export const sbomFileName = (container: string) => `${container}.cdx.json`;

export async function runSbom(o: SbomOptions): Promise<WrittenSbom[]> {
  const r = o.reporter;
  requestedEngine(o.engineRequest); // a bad --engine or SECURE_ECS_ENGINE is bad input, before any synth or build
  if (!o.assemblyDir) {
    const reason = staleReason(o.projectDir);
    if (reason) await synthesize(o.projectDir, r, reason);
  }
  const outdir = o.assemblyDir ?? assemblyDir(o.projectDir);
  const assembly = await r.step('read the task definition', async () => readAssemblyTask(outdir));
  const names = Object.keys(assembly.images);
  if (o.image !== 'all' && !names.includes(o.image)) throw new LocalInputError(`--image must be all or one of ${names.join(', ')}; received "${o.image}"`);
  const chosen = o.image === 'all' ? names : [o.image];

  const facts = hostFacts();
  const engine = await selectEngine(facts, o.engineRequest, r, realConnectors(TASK_LABEL_KEY));
  try {
    mkdirSync(o.outputDir, { recursive: true });
  } catch (e) {
    throw new LocalInputError(`cannot create the output directory ${o.outputDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const written: WrittenSbom[] = [];
  for (const container of chosen) {
    const { ref } = await ensureImage(engine, facts, container, assembly.images[container], r);
    const identity = await engine.imageIdentity(ref);
    if (!identity) throw new LocalStepError(`image ${container}`, `${ref} is not on ${engine.info.kind} after the build`);
    const found = await r.step(`image ${container}: read its dpkg database`, () => readImagePackages(engine, ref));
    const json = serializeBom(imageBom({ container, ref, identity, distro: found.distro, packages: found.packages, toolVersion: o.toolVersion }));
    const file = path.join(o.outputDir, sbomFileName(container));
    writeReportFile(file, json, LocalInputError);
    written.push({ container, file, imageId: identity.id, packages: found.packages.length, malformed: found.malformed });
  }
  return written;
}
