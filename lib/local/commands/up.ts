/**
 * `secure-ecs local up`: prepare the task (prepare.ts), print what is honoured, create it on the
 * engine and run it, in the foreground (Ctrl-C stops and removes it) or under a detached supervisor.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ContainerEngine } from '../engines/container-engine';
import { realConnectors, selectEngine } from '../engines/select-engine';
import { LocalStepError } from '../errors';
import { fieldReportLines } from '../translate/field-report';
import { eventRenderer } from './event-renderer';
import { LogFollowers } from './log-followers';
import { pollUntil } from '../poll';
import { prepare, type PreparedTask } from '../prepare';
import { formatDuration, type Reporter } from '../progress';
import { readSecretsFile, resolveSecrets } from '../secrets';
import { secretsOfTaskDefinition } from '../translate/container';
import { standinSecretValues } from '../standin/standin';
import { createLocalTask } from '../create-task';
import { StandinFiles } from '../standin/standin-files';
import type { AssemblyTask } from '../assembly-task';
import { TASK_LABEL_KEY } from '../labels';
import { DEFAULT_TASK_NAME, StateDir, type LocalPlan, type RunnerEvent } from '../state';
import { isOurProcess } from './task-process';
import { TaskRunner } from '../runner/task-runner';
import { loadBalancerHealthCheckPath, ServingWatch } from '../runner/serving-check';
import { hostFacts } from '../host/host-facts';

/** Signals closer together than this are one Ctrl-C delivered twice (terminal and npm). */
const SIGNAL_REPEAT_MS = 1500;

import { removeTask, type CommonOptions } from './context';

/** What `up --detach` waits for before it returns (WAIT_MOMENTS; serving-check.ts says what each is). */
export const WAIT_MOMENTS = ['serving', 'healthy'] as const;
export type WaitMoment = (typeof WAIT_MOMENTS)[number];

export interface UpOptions extends CommonOptions {
  readonly port: number;
  readonly detach: boolean;
  /** With `detach`: return once the task serves through the proxy, or once every container is HEALTHY. */
  readonly wait: WaitMoment;
  /** Run this cloud assembly (`cdk synth -o <dir>`) instead of synthesizing the project. */
  readonly assemblyDir?: string;
}

export async function up(o: UpOptions): Promise<number> {
  const began = Date.now();
  const r = o.reporter;
  const facts = hostFacts();
  const engine = await selectEngine(facts, o.engineRequest, r, realConnectors(TASK_LABEL_KEY));
  const stateDir = new StateDir(o.taskName);
  await clearPrevious(engine, o.taskName, stateDir, r);
  await checkPortFree(o.port);

  // Secrets are resolved before the images are built: a missing local value fails in seconds, not after the builds.
  let secretValues = new Map<string, string>();
  const resolveLocalSecrets = (assembly: AssemblyTask) => {
    // Secrets that read the database's master secret get the stand-in's login; the rest come from the secrets file.
    const fromStandin = assembly.database
      ? standinSecretValues(assembly.properties, o.taskName, assembly.database, new StandinFiles(o.taskName).credentials())
      : new Map<string, { value: string }>();
    const needed = secretsOfTaskDefinition(assembly.properties, o.taskName).filter((n) => !fromStandin.has(n.secret.secretId));
    secretValues = resolveSecrets(readSecretsFile(o.projectDir, r.warn), needed);
    for (const [id, { value }] of fromStandin) secretValues.set(id, value);
  };
  const prepared = await prepare({
    taskName: o.taskName,
    projectDir: o.projectDir,
    assemblyDir: o.assemblyDir,
    hostPort: o.port,
    reporter: r,
    engine,
    facts,
    beforeImages: resolveLocalSecrets,
  });
  printFieldReport(prepared, o.out);

  stateDir.reset();
  stateDir.writePlan(prepared.plan);
  try {
    await createLocalTask(engine, prepared, secretValues, r);
  } catch (e) {
    await removeTask(engine, o.taskName, stateDir);
    throw e;
  }

  // "serving" (the ALB stand-in's first 200) is watched beside the runner, which reports HEALTHY.
  const checkPath = servingPath(prepared);
  const serving = new ServingWatch(o.port, checkPath, (at) =>
    r.info(`serving: ${checkPath} answered 200 through the proxy ${formatDuration(at - began)} after \`up\` (the moment a load balancer could route)`),
  );
  // From here on the runner reports failures itself (step, cause, the container's last log lines).
  const render = eventRenderer(r);
  try {
    if (!o.detach) return await foreground(engine, prepared.plan, stateDir, o, render, began, serving);
    const child = spawnSupervisor(o, stateDir);
    const outcome = await followSupervisor(stateDir, child, render, () => o.wait === 'serving' && serving.servedAt !== undefined);
    if (outcome !== 'serving' && outcome.kind !== 'ready') {
      o.out.write(
        `\nThe task did not become healthy; it is kept for inspection: \`secure-ecs local logs --name ${o.taskName}\`, then \`secure-ecs local down --name ${o.taskName}\`.\n`,
      );
      return 1;
    }
    printReady(prepared.plan, o.out, began, true, serving, outcome === 'serving' ? undefined : Date.parse(outcome.time));
    return 0;
  } finally {
    serving.stop();
  }
}

/** The path the ALB stand-in checks: the template's target group health check path (none without a load balancer). */
function servingPath(p: PreparedTask): string | undefined {
  return loadBalancerHealthCheckPath(JSON.parse(readFileSync(p.assembly.templateFile, 'utf8')));
}

function printFieldReport(p: PreparedTask, out: CommonOptions['out']): void {
  out.write(`\nTask definition ${p.assembly.logicalId} of stack ${p.assembly.stackName} (${path.relative(process.cwd(), p.assembly.templateFile)}):\n`);
  out.write(`${fieldReportLines(p.fields, p.engine.info.kind).join('\n')}\n\n`);
}

/**
 * The address and the two moments, each after `up`'s start: serving (the ALB stand-in's first 200)
 * and HEALTHY (every container's check passed; undefined when `up --detach --wait serving` returned first).
 */
function printReady(plan: LocalPlan, out: CommonOptions['out'], began: number, detached: boolean, serving: ServingWatch, healthyAt: number | undefined): void {
  const after = (at: number) => `${formatDuration(at - began)} after \`up\``;
  // The commands that reach this task: a task of its own name needs `--name` on each.
  const named = plan.taskName === DEFAULT_TASK_NAME ? '' : ` --name ${plan.taskName}`;
  const moments = [
    serving.path === undefined
      ? 'not checked for serving (no load balancer in the template)'
      : serving.servedAt === undefined
        ? `not yet serving ${serving.path}`
        : `serving ${after(serving.servedAt)}`,
    healthyAt === undefined ? `not yet HEALTHY (\`secure-ecs local status${named}\` shows it)` : `HEALTHY ${after(healthyAt)}`,
  ];
  out.write(`\nThe task is running at ${plan.url} (${plan.engine}, task ${plan.taskName}; ${moments.join(', ')}).\n`);
  out.write(
    detached
      ? `  status: secure-ecs local status${named}   logs: secure-ecs local logs${named} [${plan.containers.map((c) => c.name).join('|')}]   stop: secure-ecs local down${named}\n`
      : `  Logs follow. Ctrl-C stops and removes the task.\n\n`,
  );
}

async function checkPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new LocalStepError('check the port', e.code === 'EADDRINUSE' ? `127.0.0.1:${port} is in use; choose another port with --port` : e.message)),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Refuse to start over a running task; remove what a previous, finished run left behind. */
async function clearPrevious(engine: ContainerEngine, taskName: string, stateDir: StateDir, r: Reporter): Promise<void> {
  const st = stateDir.readState();
  const plan = stateDir.readPlan();
  if (st && st.taskStatus !== 'STOPPED' && isOurProcess(st.pid, taskName)) {
    throw new LocalStepError(
      'start',
      `task ${taskName} is already running (${plan?.engine ?? 'unknown engine'}, ${st.mode}, pid ${st.pid}); stop it with \`secure-ecs local down\` or use --name`,
    );
  }
  if (plan && plan.engine !== engine.info.kind) {
    r.warn(`a previous run of ${taskName} used ${plan.engine}; run \`secure-ecs local down --name ${taskName}\` to remove what it left there`);
  }
  const exists = await engine.taskExists(taskName);
  if (exists === 'foreign')
    throw new LocalStepError('start', `a task named ${taskName} exists on ${engine.info.kind} and was not created by secure-ecs local; choose another --name`);
  if (exists === 'ours') {
    r.info(`removing the stopped task ${taskName} of a previous run`);
    await removeTask(engine, taskName, stateDir);
  }
}

async function foreground(
  engine: ContainerEngine,
  plan: LocalPlan,
  stateDir: StateDir,
  o: UpOptions,
  render: (e: RunnerEvent) => void,
  began: number,
  serving: ServingWatch,
): Promise<number> {
  const followers = new LogFollowers(engine, (t) => o.out.write(t));
  let ready = false;
  const runner = new TaskRunner(
    plan,
    engine,
    (e) => {
      stateDir.appendEvent(e);
      render(e);
      if (ready && e.kind === 'started' && e.container)
        followers.follow(
          plan.containers.find((c) => c.name === e.container)!,
          e.time,
        );
    },
    (s) => stateDir.writeState(s),
    { mode: 'foreground' },
  );
  let signalled: NodeJS.Signals | undefined;
  let firstSignalAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      // One Ctrl-C arrives more than once: from the terminal to the whole process group, and again
      // from `npm start`, which forwards the signals it gets to its child. Only a later one is a
      // second Ctrl-C, which stops waiting for graceful stops.
      if (Date.now() - firstSignalAt < SIGNAL_REPEAT_MS) return;
      o.reporter.warn('forced: removing the task now');
      void removeTask(engine, plan.taskName, stateDir)
        .catch((e) => o.reporter.warn(`forced removal: ${(e as Error).message}`))
        .then(() => process.exit(130));
      return;
    }
    signalled = sig;
    firstSignalAt = Date.now();
    o.reporter.info(`\n${sig}: stopping the task (Ctrl-C again to force)`);
    void runner.stop(`${sig} received by secure-ecs local up`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The terminal closing (or the end of a pipe such as `| tee`) must not leave the task running.
  process.on('SIGHUP', onSignal);
  let started = false;
  try {
    await runner.start();
    started = true;
  } catch (e) {
    // Already reported through the runner's events (step, cause, last log lines).
    if (!(e instanceof LocalStepError)) throw e;
  }
  if (started) {
    ready = true;
    printReady(plan, o.out, began, false, serving, Date.now());
    const snapshot = runner.snapshot();
    for (const c of plan.containers) followers.follow(c, snapshot.containers[c.name].startedAt ?? new Date(began).toISOString());
    const reason = await runner.stopped;
    followers.stopAll();
    if (!signalled) o.reporter.warn(`task STOPPED: ${reason}`);
  }
  await o.reporter.step(`remove task ${plan.taskName}`, () => removeTask(engine, plan.taskName, stateDir));
  return signalled === 'SIGINT' ? 130 : signalled === 'SIGTERM' ? 143 : 1;
}

function spawnSupervisor(o: UpOptions, stateDir: StateDir): ReturnType<typeof spawn> {
  const log = openSync(stateDir.supervisorLog, 'a');
  // The same CLI (bundle or tsx), detached into its own session so it outlives `up` and the terminal.
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'local', 'supervise', '--name', o.taskName, '--project', o.projectDir], {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: o.projectDir,
    env: process.env,
  });
  closeSync(log);
  child.unref();
  return child;
}

/** Render the supervisor's events until the task is ready or failed, or `enough()` (then 'serving'). */
async function followSupervisor(
  stateDir: StateDir,
  child: ReturnType<typeof spawn>,
  render: (e: RunnerEvent) => void,
  enough: () => boolean,
): Promise<RunnerEvent | 'serving'> {
  let offset = 0;
  let exited = false;
  child.once('exit', () => (exited = true));
  // No deadline: the supervisor's runner bounds its own waits, and its exit ends this one.
  const outcome = await pollUntil(
    () => {
      const { events, nextByte } = stateDir.readEvents(offset);
      offset = nextByte;
      for (const e of events) {
        render(e);
        if (e.kind === 'ready' || e.kind === 'failed') return e;
      }
      if (enough()) return 'serving' as const;
      if (exited) {
        let tail = '';
        try {
          tail = readFileSync(stateDir.supervisorLog, 'utf8').split('\n').slice(-15).join('\n');
        } catch {
          // no log
        }
        throw new LocalStepError('start', 'the supervisor process exited before the task was healthy', tail.split('\n'));
      }
      return undefined;
    },
    { everyMs: 150 },
  );
  return outcome!;
}
