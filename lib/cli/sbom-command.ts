import * as path from 'node:path';
import type { Command } from 'commander';
import { escapeControl } from '../audit/untrusted-text';
import { ENGINE_KINDS } from '../local/engines/container-engine';
import { removeReadContainersOnSignals } from '../local/engines/read-containers';
import { LocalInputError, LocalStepError } from '../local/errors';
import { createReporter } from '../local/progress';
import { runSbom, sbomFileName } from '../sbom/run-sbom';
import { TOOL_VERSION } from './tool-version';
import { UsageError } from './usage-error';

interface SbomCommandOptions {
  engine?: string;
  image: string;
  output: string;
  project: string;
  assembly?: string;
}

/** `all` or a container name as ECS allows it (letters, digits, hyphens, underscores; up to 255). */
function imageChoice(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(value))
    throw new UsageError(`--image must be all or a container name of the task (app, proxy); received "${escapeControl(value.slice(0, 60))}"`);
  return value;
}

const HELP = () =>
  [
    '',
    `Writes ${sbomFileName('<container>')} (CycloneDX 1.6 JSON) per image into the output directory. The images are`,
    'built as `secure-ecs local up` builds them (synthesizing first if the project changed; an image whose asset',
    'hash is already built is reused). Each Debian package installed in the image (its dpkg database) is a',
    'component with its version and package URL; the image is the SBOM subject, with its id.',
    '',
    'Exit status: 0 when every SBOM is written, 1 when a step fails, 2 for bad input.',
  ].join('\n');

/** `secure-ecs sbom`: CycloneDX SBOMs of the task's container images, from each image's package database (lib/sbom/). */
export function registerSbomCommand(program: Command): void {
  program
    .command('sbom')
    .description("write a CycloneDX SBOM of each of the task's container images, listing the Debian packages installed in it")
    .option('--image <container>', "the task's container whose image to describe (app, proxy), or all", imageChoice, 'all')
    .option('--output <dir>', 'directory the SBOM files are written to', 'sbom')
    .option(
      '--engine <engine>',
      `container engine: ${ENGINE_KINDS.join(' or ')} (default: SECURE_ECS_ENGINE, CDK_DOCKER, else the one that answers, Docker first)`,
    )
    .option('--project <dir>', 'project directory holding cdk.json', '.')
    .option('--assembly <dir>', 'use this cloud assembly (from `cdk synth -o <dir>`) instead of synthesizing the project')
    .addHelpText('after', HELP)
    .action(async (opts: SbomCommandOptions) => {
      // A Ctrl-C would otherwise leave the container an image was being read through.
      removeReadContainersOnSignals((signal) => process.stderr.write(`\nsecure-ecs sbom: ${signal}: removing the containers it reads the images through\n`));
      let written;
      try {
        written = await runSbom({
          projectDir: path.resolve(opts.project),
          assemblyDir: opts.assembly ? path.resolve(opts.assembly) : undefined,
          image: opts.image,
          outputDir: opts.output,
          engineRequest: { flag: opts.engine, env: process.env },
          reporter: createReporter(),
          toolVersion: TOOL_VERSION,
        });
      } catch (e) {
        if (e instanceof LocalInputError) throw new UsageError(e.message);
        if (!(e instanceof LocalStepError)) throw e;
        process.stderr.write(`secure-ecs sbom: ${escapeControl(e.step)}: ${escapeControl(e.message)}\n`);
        for (const line of e.details) process.stderr.write(`  ${escapeControl(line)}\n`);
        process.exitCode = 1;
        return;
      }
      for (const w of written) {
        for (const m of w.malformed)
          process.stderr.write(`secure-ecs sbom: ${w.container}: left out package "${escapeControl(m.name.slice(0, 80))}": ${m.reason}\n`);
        process.stdout.write(`${w.container}: ${w.packages} Debian packages, image ${w.imageId.slice(0, 19)}…, written to ${escapeControl(w.file)}\n`);
      }
    });
}
