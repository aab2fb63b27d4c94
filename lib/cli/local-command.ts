import * as path from 'node:path';
import type { Command } from 'commander';
import { ENGINE_KINDS } from '../local/engines/container-engine';
import { down } from '../local/commands/down';
import { LocalInputError, LocalStepError } from '../local/errors';
import { logs } from '../local/commands/logs';
import { createReporter } from '../local/progress';
import { status } from '../local/commands/status';
import { supervise } from '../local/commands/supervise';
import { up, WAIT_MOMENTS, type WaitMoment } from '../local/commands/up';
import { DEFAULT_TASK_NAME } from '../local/state';
import { UsageError } from './usage-error';

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)
    throw new UsageError(`--port must be a TCP port from 1 to 65535; received "${value}"`);
  return Number(value);
}

function taskName(value: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]{0,39}$/.test(value)) throw new UsageError(`--name must be 1-40 lowercase letters, digits, '.', '_' or '-'; received "${value}"`);
  return value;
}

function waitMoment(value: string): WaitMoment {
  if (!(WAIT_MOMENTS as readonly string[]).includes(value)) throw new UsageError(`--wait must be ${WAIT_MOMENTS.join(' or ')}; received "${value}"`);
  return value as WaitMoment;
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--tail must be a number of lines; received "${value}"`);
  return Number(value);
}

interface Common {
  name: string;
  project: string;
  engine?: string;
}

/**
 * Output that survives its reader going away: `npm start | tee up.log` then Ctrl-C closes the pipe
 * before the runner has stopped the task, and a write to a closed pipe (EPIPE) must not kill the
 * process that still has to tear the task down.
 */
function safeOut(stream: NodeJS.WriteStream): { write(text: string): void } {
  let closed = false;
  stream.on('error', () => (closed = true));
  return { write: (text) => void (closed || stream.write(text)) };
}

/**
 * Run an action; a failed step prints "secure-ecs local <cmd>: <step>: <cause>" plus its detail lines
 * (e.g. the failing container's last log lines) and exits 1. Usage errors keep the CLI's contract
 * (one line, exit 2) through bin/secure-ecs.ts.
 */
function run(command: string, action: () => Promise<number>): () => Promise<void> {
  return async () => {
    let code: number;
    try {
      code = await action();
    } catch (e) {
      if (e instanceof LocalInputError) throw new UsageError(e.message);
      if (!(e instanceof LocalStepError)) throw e;
      process.stderr.write(`secure-ecs local ${command}: ${e.step}: ${e.message}\n`);
      for (const line of e.details) process.stderr.write(`  ${line}\n`);
      code = 1;
    }
    // Exit explicitly: log followers and timers must not keep the process alive.
    process.exit(code);
  };
}

/**
 * `secure-ecs local up|down|status|logs`: run the synthesized task definition as one hardened task
 * on this machine's Docker or podman (lib/local/).
 */
export function registerLocalCommand(program: Command): void {
  const local = program.command('local').description('run the synthesized task definition locally on Docker or podman, under the hardening of the template');

  const common = (cmd: Command) =>
    cmd
      .option('--name <task>', 'task name (several local tasks can run side by side)', taskName, DEFAULT_TASK_NAME)
      .option('--project <dir>', 'project directory holding cdk.json', '.')
      .option(
        '--engine <engine>',
        `container engine: ${ENGINE_KINDS.join(' or ')} (default: SECURE_ECS_ENGINE, CDK_DOCKER, else the one that answers, Docker first)`,
      );
  const out = safeOut(process.stdout);
  process.stderr.on('error', () => undefined);
  const base = (opts: Common) => ({
    taskName: opts.name,
    projectDir: path.resolve(opts.project),
    reporter: createReporter(),
    out,
    engineRequest: { flag: opts.engine, env: process.env },
  });

  common(
    local
      .command('up')
      .description('synthesize if needed, build the images and run the task; stays in the foreground (Ctrl-C stops it) unless --detach')
      .option('-p, --port <port>', 'host port on 127.0.0.1 for the proxy', port, 8080)
      .option('-d, --detach', 'return once the task is ready (--wait); a supervisor process keeps the task running', false)
      .option(
        '--wait <moment>',
        'with --detach, return once the task is "serving" (the load balancer stand-in got 200 on the health check path through the proxy) or "healthy" (every container\'s health check passed, as ECS reports)',
        waitMoment,
        'healthy' as WaitMoment,
      )
      .option('--assembly <dir>', 'run this cloud assembly (from `cdk synth -o <dir> -c configFile=...`) instead of synthesizing the project'),
  ).action((opts: Common & { port: number; detach: boolean; wait: WaitMoment; assembly?: string }) =>
    run('up', () =>
      up({ ...base(opts), port: opts.port, detach: opts.detach, wait: opts.wait, assemblyDir: opts.assembly ? path.resolve(opts.assembly) : undefined }),
    )(),
  );

  common(
    local
      .command('down')
      .description('stop the task and remove its containers, secrets, networks and cgroup (images and volumes are kept)')
      .option('--volumes', "also remove the task's volumes (the stand-in database's data, EFS volumes) and the stand-in's login and CA", false),
  ).action((opts: Common & { volumes: boolean }) => run('down', () => down({ ...base(opts), volumes: opts.volumes }))());

  common(
    local.command('status').description('show the task and each container: state, health, restarts').option('--json', 'machine-readable output', false),
  ).action((opts: Common & { json: boolean }) => run('status', () => status({ ...base(opts), json: opts.json }))());

  common(
    local
      .command('logs [container]')
      .description("print a container's logs (all containers when none is named)")
      .option('-f, --follow', 'keep following', false)
      .option('-n, --tail <lines>', 'only the last lines', count),
  ).action((container: string | undefined, opts: Common & { follow: boolean; tail?: number }) =>
    run('logs', () => logs({ ...base(opts), container, follow: opts.follow, tail: opts.tail }))(),
  );

  // Started by `up --detach`; not for direct use.
  common(local.command('supervise', { hidden: true })).action((opts: Common) => run('supervise', () => supervise(opts.name))());
}
