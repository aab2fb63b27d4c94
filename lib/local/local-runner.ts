/**
 * `secure-ecs local up|down|status|logs`: run the synthesized task definition as one podman pod under
 * the hardening the template declares. Steps of `up`: container engine -> synth (if cdk.out is stale)
 * -> read the task definition -> translate it (printing what is not honoured) -> base images and
 * builds -> pod and containers -> start and supervise (task-runner.ts), in the foreground or in a
 * detached supervisor process.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { readAssemblyTask, type AssemblyTask } from './cloud-assembly';
import { UsageError } from '../cli/usage-error';
import { parseHardLimits, podmanEnv, preparePodman } from './engine';
import { LocalStepError } from './errors';
import { assetImageRef, ensureImage } from './images';
import { Podman } from './podman';
import { formatDuration, type Reporter, type StepHandle } from './progress';
import { readSecretsFile, resolveSecrets } from './secrets';
import { LABEL_KEY, StateDir, isAlive, type LocalPlan, type RunnerEvent, type RunnerState } from './state';
import { assemblyDir, staleReason, synthesize } from './synth';
import { TaskRunner } from './task-runner';
import type { FieldReport } from './translate-container';
import { translateTask, type TranslatedTask } from './translate-task';

/**
 * The proxy's setting naming the load balancer's addresses (containers/proxy/README.md): nginx trusts
 * X-Forwarded-For only from them. Locally there is no ALB: the host side of the pod network is the
 * only peer (podman forwards published ports from the network's gateway), so it takes the ALB's place.
 */
export const LOAD_BALANCER_TRUST_ENV = 'TRUSTED_PROXY_CIDRS';

export interface CommonOptions {
  readonly podName: string;
  readonly projectDir: string;
  readonly reporter: Reporter;
  /** Where results go (stdout). */
  readonly out: NodeJS.WritableStream;
}

export interface UpOptions extends CommonOptions {
  readonly port: number;
  readonly detach: boolean;
}

// ------------------------------------------------------------------------------------------- up

export async function up(o: UpOptions): Promise<number> {
  const began = Date.now();
  const r = o.reporter;
  const podman = await preparePodman(r);
  const stateDir = new StateDir(o.podName);
  await clearPrevious(podman, o.podName, stateDir, r);
  await checkPortFree(o.port);

  const reason = staleReason(o.projectDir);
  if (reason) await synthesize(o.projectDir, r, reason);
  else r.info(`cdk.out is current (no input changed since the last synth)`);
  const task = await r.step('read the task definition from cdk.out', async () => readAssemblyTask(assemblyDir(o.projectDir)));

  const gateway = await detectGateway(podman);
  const translated = translate(task, o, gateway);
  printFieldReport(task, translated.fields, o.out);

  const needed = translated.containers.flatMap((c) => c.secrets.map((secret) => ({ container: c.name, secret })));
  const secretValues = resolveSecrets(readSecretsFile(o.projectDir, r.warn), needed);

  for (const c of translated.containers) await ensureImage(podman, c.name, task.images[c.name], r);

  stateDir.reset();
  const plan: LocalPlan = {
    podName: o.podName,
    projectDir: o.projectDir,
    url: `http://127.0.0.1:${o.port}/`,
    hostPort: o.port,
    templateFile: task.templateFile,
    taskLogicalId: task.logicalId,
    createdAt: new Date().toISOString(),
    containers: translated.containers.map((c) => ({
      name: c.name,
      containerName: c.containerName,
      image: imageOf(task, c.name),
      essential: c.essential,
      dependsOn: c.dependsOn,
      health: c.health,
      restart: c.restart,
      stopTimeoutS: c.stopTimeoutS,
      startTimeoutS: c.startTimeoutS,
    })),
    fields: translated.fields,
    secrets: [...secretValues.keys()],
  };
  stateDir.writePlan(plan);

  try {
    await r.step(`create pod ${o.podName}`, async (s) => {
      for (const [name, value] of secretValues) {
        s.update(`secret ${name}`);
        await podman.ok('create secrets', ['secret', 'create', '--label', `${LABEL_KEY}=${o.podName}`, name, '-'], { input: value });
      }
      s.update('pod');
      await podman.ok('create pod', ['pod', 'create', ...translated.podCreateArgs]);
      for (const c of translated.containers) {
        s.update(`container ${c.name}`);
        await podman.ok(`create ${c.name}`, ['create', ...c.createArgs]);
      }
    });
    await verifyHealthChecks(podman, translated, r);
  } catch (e) {
    await removeEverything(podman, o.podName, stateDir);
    throw e;
  }

  // From here on the runner reports failures itself (step, cause, the container's last log lines).
  const render = eventRenderer(r);
  if (!o.detach) return foreground(podman, plan, stateDir, o, render, began);
  const child = spawnSupervisor(o, stateDir);
  const outcome = await followSupervisor(stateDir, child, render);
  if (outcome.kind !== 'ready') {
    o.out.write(`\nThe task did not become healthy; its pod is kept for inspection: \`secure-ecs local logs --name ${o.podName}\`, then \`secure-ecs local down --name ${o.podName}\`.\n`);
    return 1;
  }
  printReady(plan, o.out, began, true);
  return 0;
}

function imageOf(task: AssemblyTask, name: string): string {
  const src = task.images[name];
  return src.registryRef ?? assetImageRef(name, src.assetHash!);
}

function translate(task: AssemblyTask, o: UpOptions, gateway: string): TranslatedTask {
  const images = Object.fromEntries(
    Object.entries(task.images).map(([name, src]) => [
      name,
      {
        ref: src.registryRef ?? assetImageRef(name, src.assetHash!),
        origin: src.registryRef ? 'pulled from its registry' : `built locally with podman from the CDK asset ${path.basename(src.directory!)}, tagged with the asset hash`,
      },
    ]),
  );
  const firstPort = (task.properties.ContainerDefinitions as any[])
    .flatMap((d) => (Array.isArray(d.PortMappings) ? d.PortMappings : []))
    .map((p: any) => Number(p.ContainerPort))
    .find((p: number) => Number.isFinite(p));
  const trusted = gateway.includes(':') ? `${gateway}/128` : `${gateway}/32`;
  let hostLimits: Record<string, number> = {};
  try {
    hostLimits = parseHardLimits(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    // not Linux: no clamping
  }
  try {
    return translateTask(task.properties, {
      podName: o.podName,
      labelKey: LABEL_KEY,
      images,
      hostPorts: firstPort !== undefined ? { [firstPort]: o.port } : {},
      environmentOverrides: {
        [LOAD_BALANCER_TRUST_ENV]: {
          value: trusted,
          reason: `no ALB locally: the pod network's host side (${gateway}, the gateway of podman network "podman") is the only peer and plays the load balancer`,
        },
      },
      hostHardLimits: hostLimits,
    });
  } catch (e) {
    throw new LocalStepError('translate the task definition', (e as Error).message);
  }
}

/** The start-up list: honoured fields in one line per container, then every deviation and every field not honoured. */
export function fieldReportLines(fields: FieldReport[]): string[] {
  const lines: string[] = [];
  const owners = [...new Set(fields.map((f) => f.path.split('.')[0]))];
  lines.push('Honoured (podman flags or the runner):');
  for (const owner of owners) {
    const names = fields.filter((f) => f.outcome === 'honoured' && f.path.split('.')[0] === owner).map((f) => f.path.slice(owner.length + 1));
    if (names.length) lines.push(`  ${owner}: ${names.join(', ')}`);
  }
  const deviations = fields.filter((f) => f.outcome === 'deviation');
  if (deviations.length) {
    lines.push('Honoured differently locally:');
    for (const f of deviations) lines.push(`  ${f.path}: ${f.detail}`);
  }
  lines.push(
    '  *.HealthCheck: probed by this runner (`podman healthcheck run`; podman\'s own timers need systemd), every second during StartPeriod, then every Interval',
    '  task: an essential container that turns UNHEALTHY while running is reported; the ECS service would replace the task, the runner keeps it',
  );
  const not = fields.filter((f) => f.outcome === 'not-honoured');
  if (not.length) {
    lines.push('Not honoured locally (what happens instead):');
    for (const f of not) lines.push(`  ${f.path}: ${f.detail}`);
  }
  return lines;
}

function printFieldReport(task: AssemblyTask, fields: FieldReport[], out: NodeJS.WritableStream): void {
  out.write(`\nTask definition ${task.logicalId} of stack ${task.stackName} (${path.relative(process.cwd(), task.templateFile)}):\n`);
  out.write(`${fieldReportLines(fields).join('\n')}\n\n`);
}

function printReady(plan: LocalPlan, out: NodeJS.WritableStream, began: number, detached: boolean): void {
  out.write(`\nThe task is running at ${plan.url} (pod ${plan.podName}, healthy ${formatDuration(Date.now() - began)} after \`up\`).\n`);
  out.write(
    detached
      ? `  status: secure-ecs local status   logs: secure-ecs local logs [${plan.containers.map((c) => c.name).join('|')}]   stop: secure-ecs local down\n`
      : `  Logs follow. Ctrl-C stops and removes the task.\n\n`,
  );
}

/** podman creates health checks from flags; read them back so a translation podman changed is reported. */
async function verifyHealthChecks(podman: Podman, t: TranslatedTask, r: Reporter): Promise<void> {
  for (const c of t.containers) {
    if (!c.health) continue;
    const got = JSON.parse(await podman.ok('verify health checks', ['container', 'inspect', '--format', '{{json .Config.Healthcheck.Test}}', c.containerName]));
    if (JSON.stringify(got) !== JSON.stringify(c.health.test)) {
      r.warn(`${c.name}.HealthCheck.Command: podman recorded ${JSON.stringify(got)} for the template's ${JSON.stringify(c.health.test)}`);
    }
  }
}

/** The IPv4 gateway of podman's default network: the address host requests to published ports come from. */
async function detectGateway(podman: Podman): Promise<string> {
  const text = await podman.ok('detect the pod network gateway', ['network', 'inspect', 'podman']);
  const nets = JSON.parse(text) as any[];
  const gateway = (nets[0]?.subnets ?? []).map((s: any) => s.gateway).find((g: unknown) => typeof g === 'string' && !g.includes(':'));
  if (!gateway) throw new LocalStepError('detect the pod network gateway', 'podman network "podman" has no IPv4 gateway');
  return gateway;
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
async function clearPrevious(podman: Podman, podName: string, stateDir: StateDir, r: Reporter): Promise<void> {
  const st = stateDir.readState();
  if (st && st.taskStatus !== 'STOPPED' && isOurProcess(st.pid, podName)) {
    throw new LocalStepError('start', `pod ${podName} is already running (${st.mode}, pid ${st.pid}); stop it with \`secure-ecs local down\` or use --name`);
  }
  if ((await podman.run(['pod', 'exists', podName])).code === 0) {
    const labels = JSON.parse(await podman.ok('start', ['pod', 'inspect', '--format', '{{json .Labels}}', podName])) ?? {};
    if (labels[LABEL_KEY] !== podName) throw new LocalStepError('start', `a pod named ${podName} exists and was not created by secure-ecs local; choose another --name`);
    r.info(`removing the stopped pod ${podName} of a previous run`);
    await removeEverything(podman, podName, stateDir);
  }
}

/** Whether `pid` is a live `secure-ecs local up|supervise` process for this pod (pids get reused). */
export function isOurProcess(pid: number | undefined, podName: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('local') && (cmdline.includes('supervise') ? cmdline.includes(podName) : cmdline.includes('up'));
  } catch {
    return false;
  }
}

// ----------------------------------------------------------------------- foreground and detached

/** Render runner events (in-process, or read from a detached supervisor's event log) as progress. */
function eventRenderer(r: Reporter): (e: RunnerEvent) => void {
  let handle: StepHandle | undefined;
  let shown = '';
  /** A failure is often reported twice (the task stops, then the start fails): show the logs once. */
  const details = (lines: string[] = []) => {
    if (JSON.stringify(lines) === shown) return;
    shown = JSON.stringify(lines);
    for (const d of lines) r.info(`  ${d}`);
  };
  return (e) => {
    switch (e.kind) {
      case 'step':
        handle = r.begin(e.text);
        break;
      case 'progress':
        handle?.update(e.text);
        break;
      case 'done':
        handle?.done();
        handle = undefined;
        break;
      case 'failed':
        handle?.fail();
        handle = undefined;
        r.info(`FAILED ${e.text}`);
        details(e.details);
        break;
      case 'stopped':
        r.warn(`task stopping: ${e.text}`);
        details(e.details);
        break;
      case 'warn':
        r.warn(e.text);
        break;
      default:
        r.info(e.text);
    }
  };
}

async function foreground(podman: Podman, plan: LocalPlan, stateDir: StateDir, o: UpOptions, render: (e: RunnerEvent) => void, began: number): Promise<number> {
  const followers = new LogFollowers(podman, o.out);
  let ready = false;
  const runner = new TaskRunner(
    plan,
    podman,
    (e) => {
      stateDir.appendEvent(e);
      render(e);
      if (ready && e.kind === 'started' && e.container) followers.follow(plan.containers.find((c) => c.name === e.container)!, e.time);
    },
    (s) => stateDir.writeState(s),
    { mode: 'foreground' },
  );
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      // Second Ctrl-C: do not wait for graceful stops any more.
      o.reporter.warn('forced: removing the pod now');
      void removeEverything(podman, plan.podName, stateDir).then(() => process.exit(130));
      return;
    }
    signalled = sig;
    o.reporter.info(`\n${sig}: stopping the task (Ctrl-C again to force)`);
    void runner.stop(`${sig} received by secure-ecs local up`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
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
    printReady(plan, o.out, began, false);
    const snapshot = runner.snapshot();
    for (const c of plan.containers) followers.follow(c, snapshot.containers[c.name].startedAt ?? new Date(began).toISOString());
    const reason = await runner.stopped;
    followers.stopAll();
    if (!signalled) o.reporter.warn(`task STOPPED: ${reason}`);
  }
  await o.reporter.step(`remove pod ${plan.podName}`, () => removeEverything(podman, plan.podName, stateDir));
  return signalled === 'SIGINT' ? 130 : signalled === 'SIGTERM' ? 143 : 1;
}

/** `podman logs -f` per container, prefixed with the container name; re-attached after a restart. */
class LogFollowers {
  private readonly children = new Map<string, ReturnType<typeof spawn>>();
  constructor(
    private readonly podman: Podman,
    private readonly out: NodeJS.WritableStream,
  ) {}
  /** Follow from `since` (the container's start), so nothing printed since then is missed. */
  follow(c: { name: string; containerName: string }, since: string): void {
    this.children.get(c.name)?.kill();
    const width = 6;
    const prefix = `${c.name.padEnd(width)}| `;
    const child = spawn(this.podman.bin, ['logs', '--follow', '--since', since, c.containerName], { env: this.podman.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const feed = (d: Buffer) => {
      const text = partial + d.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.out.write(`${prefix}${line}\n`);
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    this.children.set(c.name, child);
  }
  stopAll(): void {
    for (const child of this.children.values()) child.kill();
    this.children.clear();
  }
}

function spawnSupervisor(o: UpOptions, stateDir: StateDir): ReturnType<typeof spawn> {
  const log = openSync(stateDir.supervisorLog, 'a');
  // The same CLI (bundle or tsx), detached into its own session so it outlives `up` and the terminal.
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1], 'local', 'supervise', '--name', o.podName, '--project', o.projectDir],
    { detached: true, stdio: ['ignore', log, log], cwd: o.projectDir, env: process.env },
  );
  closeSync(log);
  child.unref();
  return child;
}

async function followSupervisor(stateDir: StateDir, child: ReturnType<typeof spawn>, render: (e: RunnerEvent) => void): Promise<RunnerEvent> {
  let offset = 0;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    const { events, nextByte } = stateDir.readEvents(offset);
    offset = nextByte;
    for (const e of events) {
      render(e);
      if (e.kind === 'ready' || e.kind === 'failed') return e;
    }
    if (exited) {
      let tail = '';
      try {
        tail = readFileSync(stateDir.supervisorLog, 'utf8').split('\n').slice(-15).join('\n');
      } catch {
        // no log
      }
      throw new LocalStepError('start', 'the supervisor process exited before the task was healthy', tail.split('\n'));
    }
    await new Promise((res) => setTimeout(res, 150));
  }
}

/** The detached supervisor (`secure-ecs local supervise`): starts the created pod and keeps it running. */
export async function supervise(podName: string): Promise<number> {
  const stateDir = new StateDir(podName);
  const plan = stateDir.readPlan();
  if (!plan) throw new LocalStepError('supervise', `no plan for pod ${podName}`);
  const podman = new Podman(podmanEnv());
  const runner = new TaskRunner(plan, podman, (e) => stateDir.appendEvent(e), (s) => stateDir.writeState(s), { mode: 'detached' });
  const onSignal = () => void runner.stop('stopped by `secure-ecs local down`');
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => undefined);
  await runner.start().catch(() => undefined); // reported through the event log
  await runner.stopped;
  return 0;
}

// ------------------------------------------------------------------------------------------- down

/** Remove the pod, its containers and secrets, and the state directory (images stay). */
async function removeEverything(podman: Podman, podName: string, stateDir: StateDir): Promise<string[]> {
  const removed: string[] = [];
  const plan = stateDir.readPlan();
  const listed = await podman.run(['ps', '--all', '--filter', `label=${LABEL_KEY}=${podName}`, '--format', '{{.Names}}']);
  const names = listed.stdout.split('\n').filter(Boolean);
  if ((await podman.run(['pod', 'exists', podName])).code === 0) {
    await podman.ok('remove the pod', ['pod', 'rm', '--force', podName]);
    removed.push(`pod ${podName}`);
  }
  // Containers of the label outside the pod (a failed create) go too.
  for (const n of names) if ((await podman.run(['rm', '--force', n])).code === 0) removed.push(`container ${n}`);
  const secrets = new Set(plan?.secrets ?? []);
  const ls = await podman.run(['secret', 'ls', '--format', 'json']);
  if (ls.code === 0) {
    for (const s of JSON.parse(ls.stdout || '[]') as any[]) if (s.Spec?.Labels?.[LABEL_KEY] === podName || secrets.has(s.Spec?.Name)) secrets.add(s.Spec?.Name);
  }
  for (const s of secrets) if (s && (await podman.run(['secret', 'rm', s])).code === 0) removed.push(`secret ${s}`);
  if (names.length) removed.push(...names.map((n) => `container ${n}`).filter((x) => !removed.includes(x)));
  stateDir.remove();
  return [...new Set(removed)];
}

export async function down(o: CommonOptions): Promise<number> {
  const podman = await preparePodman(o.reporter);
  const stateDir = new StateDir(o.podName);
  const st = stateDir.readState();
  const plan = stateDir.readPlan();
  if (st && st.taskStatus !== 'STOPPED' && isOurProcess(st.pid, o.podName)) {
    const waitS = (plan?.containers ?? []).reduce((t, c) => t + c.stopTimeoutS, 0) + 15;
    await o.reporter.step(`stop the task (${st.mode} runner, pid ${st.pid})`, async (s) => {
      process.kill(st.pid, 'SIGTERM');
      const until = Date.now() + waitS * 1000;
      while (isAlive(st.pid) && Date.now() < until) {
        s.update(stateDir.readState()?.taskStatus ?? 'stopping');
        await new Promise((res) => setTimeout(res, 200));
      }
    });
  } else if (plan) {
    // No runner alive: stop what still runs gracefully, dependents first.
    for (const c of [...plan.containers].reverse()) {
      await podman.run(['stop', '--time', String(c.stopTimeoutS), c.containerName]);
    }
  }
  const removed = await o.reporter.step(`remove pod ${o.podName}`, () => removeEverything(podman, o.podName, stateDir));
  o.out.write(removed.length ? `Removed ${removed.join(', ')} (images kept).\n` : `Nothing to remove: no pod ${o.podName}.\n`);
  return 0;
}

// ----------------------------------------------------------------------------------------- status

export interface StatusReport {
  readonly pod: string;
  readonly exists: boolean;
  readonly url?: string;
  readonly taskStatus: RunnerState['taskStatus'] | 'NONE';
  readonly stoppedReason?: string;
  readonly runner?: { readonly pid: number; readonly mode: RunnerState['mode']; readonly alive: boolean };
  readonly containers: {
    readonly name: string;
    readonly containerName: string;
    readonly image?: string;
    readonly status: string;
    readonly health: string;
    readonly restarts: number;
    readonly exitCode?: number;
    readonly startedAt?: string;
  }[];
  readonly events: RunnerEvent[];
}

export async function statusReport(podman: Podman, podName: string): Promise<StatusReport> {
  const stateDir = new StateDir(podName);
  const plan = stateDir.readPlan();
  const st = stateDir.readState();
  const exists = (await podman.run(['pod', 'exists', podName])).code === 0;
  const alive = st ? isOurProcess(st.pid, podName) : false;
  const containers = [];
  for (const c of plan?.containers ?? []) {
    const r = await podman.run(['container', 'inspect', c.containerName]);
    const d = r.code === 0 ? JSON.parse(r.stdout)[0] : undefined;
    const [pstatus, startedAt, exitCode, image] = d ? [String(d.State.Status), String(d.State.StartedAt), d.State.ExitCode, String(d.ImageName)] : ['missing', '', 0, ''];
    const runnerView = st?.containers[c.name];
    containers.push({
      name: c.name,
      containerName: c.containerName,
      image: image || c.image,
      status: pstatus,
      // The runner's health view includes exited containers; without a runner, ask podman.
      health: runnerView && (alive || st?.taskStatus === 'STOPPED') ? runnerView.health : c.health ? (pstatus === 'running' ? 'UNKNOWN (no runner)' : 'UNHEALTHY') : 'NONE',
      restarts: runnerView?.restarts ?? 0,
      exitCode: pstatus === 'running' || pstatus === 'created' ? undefined : Number(exitCode),
      // RFC 3339 in podman's JSON; the zero time for a container never started.
      startedAt: startedAt && !startedAt.startsWith('0001-') ? new Date(Date.parse(startedAt)).toISOString() : undefined,
    });
  }
  const taskStatus: StatusReport['taskStatus'] = !exists ? 'NONE' : alive ? (st?.taskStatus ?? 'PENDING') : 'STOPPED';
  return {
    pod: podName,
    exists,
    url: plan?.url,
    taskStatus,
    stoppedReason: exists && !alive && st?.taskStatus !== 'STOPPED' ? 'no runner is supervising the task (it was killed); `secure-ecs local down` cleans up' : st?.stoppedReason,
    runner: st ? { pid: st.pid, mode: st.mode, alive } : undefined,
    containers,
    events: stateDir.readEvents().events.slice(-50),
  };
}

export async function status(o: CommonOptions & { json: boolean }): Promise<number> {
  const podman = await preparePodman(o.reporter);
  const report = await statusReport(podman, o.podName);
  if (o.json) {
    o.out.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  if (!report.exists) {
    o.out.write(`No local task (pod ${o.podName}). Start one with \`secure-ecs local up\`.\n`);
    return 0;
  }
  o.out.write(`Pod ${report.pod}: task ${report.taskStatus}${report.url ? ` at ${report.url}` : ''}${report.runner ? ` (${report.runner.mode} runner pid ${report.runner.pid}${report.runner.alive ? '' : ', not running'})` : ''}\n`);
  if (report.stoppedReason) o.out.write(`  ${report.taskStatus === 'STOPPED' ? 'stopped' : 'note'}: ${report.stoppedReason}\n`);
  const rows = [['CONTAINER', 'STATUS', 'HEALTH', 'RESTARTS', 'UP SINCE', 'IMAGE'], ...report.containers.map((c) => [c.name, c.exitCode !== undefined ? `${c.status} (${c.exitCode})` : c.status, c.health, String(c.restarts), c.startedAt ?? '', (c.image ?? '').replace(/:(.{12}).*/, ':$1…')])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) o.out.write(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  return 0;
}

// ------------------------------------------------------------------------------------------- logs

export async function logs(o: CommonOptions & { container?: string; follow: boolean; tail?: number }): Promise<number> {
  const podman = await preparePodman(o.reporter);
  const plan = new StateDir(o.podName).readPlan();
  const names = plan?.containers.map((c) => c.name) ?? [];
  if (!plan) throw new LocalStepError('logs', `no local task (pod ${o.podName}); start one with \`secure-ecs local up\``);
  const targets = o.container ? plan.containers.filter((c) => c.name === o.container) : plan.containers;
  if (o.container && !targets.length) {
    throw new UsageError(`unknown container "${o.container}"; the task has ${names.join(', ')}`);
  }
  const args = ['logs', ...(o.follow ? ['--follow'] : []), ...(o.tail !== undefined ? ['--tail', String(o.tail)] : []), ...(targets.length > 1 ? ['--names'] : []), ...targets.map((c) => c.containerName)];
  return new Promise((resolve) => {
    const child = spawn(podman.bin, args, { env: podman.env, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}
