import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { readCdkJsonContext } from '../config/load-config';
import { ENV_CONTEXT_KEY, resolveConfig } from '../config/resolve-config';
import { ConfigError } from '../config/validate-config';
import { FitCheckInputError, fitCheck } from '../fit-check/run-fit-check';
import { renderJson, renderText } from '../fit-check/report';
import { ENGINE_KINDS } from '../local/engines/container-engine';
import { baseImages } from '../local/images';
import { LocalInputError, LocalStepError } from '../local/errors';
import { createReporter } from '../local/progress';
import { UsageError } from './usage-error';

/** Seconds the program may take to answer its first request. */
const DEFAULT_TIMEOUT_S = 60;

interface FitCheckCommandOptions {
  port?: number;
  path?: string[];
  engine?: string;
  timeout: number;
  json: boolean;
  project: string;
  file?: string;
  env?: string;
}

function port(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535)
    throw new UsageError(`--port must be a TCP port from 1 to 65535; received ${JSON.stringify(value)}`);
  return Number(value);
}

function seconds(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > 3600)
    throw new UsageError(`--timeout must be a whole number of seconds from 1 to 3600; received ${JSON.stringify(value)}`);
  return Number(value);
}

/** An origin-form request target: a slash, then visible ASCII (RFC 9112 section 3.2.1); no blanks or control characters. */
function urlPath(value: string, previous: string[] | undefined): string[] {
  if (!/^\/[\x21-\x7e]{0,2047}$/.test(value))
    throw new UsageError(
      `--path must be a URL path such as /index.html (a slash, then up to 2047 visible ASCII characters); received ${JSON.stringify(value)}`,
    );
  return [...(previous ?? []), value];
}

/** An image reference as engines accept it: name[:tag][@digest], no blanks or control characters. */
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,511}$/;

/** The base images of the project's app image: present on the engine once `secure-ecs local` has run, with `sleep` and `sh`. */
function helperImagesOf(project: string): string[] {
  try {
    return baseImages(readFileSync(path.join(project, 'containers', 'app', 'Dockerfile'), 'utf8'));
  } catch {
    return [];
  }
}

/** The task limits of the project's settings (cdk.json, --env, --file); the defaults outside a project. */
function limitsOf(opts: FitCheckCommandOptions) {
  const context: Record<string, unknown> = {
    ...(existsSync(path.join(opts.project, 'cdk.json')) ? readCdkJsonContext(opts.project) : {}),
    ...(opts.file ? { configFile: opts.file } : {}),
    ...(opts.env !== undefined ? { [ENV_CONTEXT_KEY]: opts.env } : {}),
  };
  const c = resolveConfig((key) => context[key], { warn: () => undefined });
  return {
    taskCpu: c.task.cpu,
    taskMemoryMiB: c.task.memoryMiB,
    taskPidsLimit: c.hosts.taskPidsLimit,
    appMemoryMiB: c.task.appMemoryMiB,
    appCpuShares: c.task.appCpuShares,
  };
}

/**
 * `secure-ecs fit-check IMAGE`: run a team's image under the task's hardening with a writable
 * overlay, exercise it over HTTP and report what it needs (lib/fit-check/). Exit 0 when it fits as
 * it is, 1 when it needs changes (or the check could not run), 2 for bad input.
 */
export function registerFitCheckCommand(program: Command): void {
  program
    .command('fit-check <image>')
    .description(
      "run an image under the task's hardening (no capabilities, no-new-privileges, its own user, the limits) with a writable overlay instead of the read-only root, GET its paths, and report what it needs: the app.writablePaths to declare, a root user, a port below 1024, refused operations; each with its fix",
    )
    .option('--port <port>', 'the port the program listens on inside the container (default: the one TCP port the image EXPOSEs)', port)
    .option('--path <url>', 'a URL path to GET once it answers; repeatable (default: /)', urlPath)
    .option('--engine <engine>', `container engine: ${ENGINE_KINDS.join(' or ')} (default: as for secure-ecs local)`)
    .option('--timeout <seconds>', 'seconds the program may take to answer its first request', seconds, DEFAULT_TIMEOUT_S)
    .option('--json', 'print the report as JSON', false)
    .option('--project <dir>', "project directory holding cdk.json: the task's limits come from its settings", '.')
    .option('-f, --file <path>', 'a JSON file of settings, as passed to cdk with -c configFile=<path>')
    .option('-e, --env <name>', 'a named environment under secure-ecs.environments, as passed to cdk with -c env=<name>')
    .addHelpText(
      'after',
      '\nExit status: 0 when the image fits the hardened task as it is, 1 when it needs changes (or the check could not run), 2 for bad input.\n' +
        "On Docker, the pause container that owns the run's network namespace runs `sleep` from the project's base image (containers/app/Dockerfile's FROM) when the engine has it, else from the image itself.",
    )
    .action(async (image: string, opts: FitCheckCommandOptions) => {
      if (!IMAGE_REF.test(image))
        throw new UsageError(`the image must be a reference such as localhost/app:1 (no blanks or control characters); received ${JSON.stringify(image)}`);
      let limits;
      try {
        limits = limitsOf(opts);
      } catch (e) {
        if (e instanceof ConfigError) throw new UsageError(e.problems.join('; '));
        throw e;
      }
      let cleanup: (() => Promise<void>) | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(`\nsecure-ecs fit-check: ${signal}: removing the check's containers\n`);
        void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let code: number;
      try {
        const report = await fitCheck({
          image,
          port: opts.port,
          paths: opts.path ?? ['/'],
          timeoutS: opts.timeout,
          limits,
          helperImages: helperImagesOf(opts.project),
          engineRequest: { flag: opts.engine, env: process.env },
          reporter: createReporter(),
          onCleanup: (c) => (cleanup = c),
        });
        process.stdout.write(opts.json ? renderJson(report) : renderText(report));
        code = report.fits ? 0 : 1;
      } catch (e) {
        if (e instanceof LocalInputError || e instanceof FitCheckInputError) throw new UsageError(e.message);
        if (!(e instanceof LocalStepError)) throw e;
        process.stderr.write(`secure-ecs fit-check: ${e.step}: ${e.message}\n`);
        for (const line of e.details) process.stderr.write(`  ${line}\n`);
        code = 1;
      }
      // Exit explicitly: the engine's connections must not keep the process alive.
      process.exit(code);
    });
}
