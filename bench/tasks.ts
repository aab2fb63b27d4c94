/**
 * The synthesized task as the benchmark runs it, on any engine, through `secure-ecs local up`'s own
 * sequence: prepare once (lib/local/prepare.ts: the engine, the assembly, the images, the ALB
 * stand-in), then per variant translate for a task name and port (translateFor), apply the variant's
 * typed change (variants.ts), create the task with createLocalTask (engine.createTask: the task
 * cgroup's CPU, memory and pids.max, health checks) and start it with the TaskRunner, which starts the
 * containers in dependency order and waits until they are healthy.
 *
 * Bench tasks carry the label `secure-ecs.bench` (not the runner's `secure-ecs.local`, which CI checks
 * for leftovers of `npm start`), are named `bench-<variant>-<pid>` and publish on 127.0.0.1 only.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerEngine } from '../lib/local/engines/container-engine';
import { LocalStepError } from '../lib/local/errors';
import { freePort } from '../lib/local/host/free-port';
import { BENCH_LABEL_KEY } from '../lib/local/labels';
import { createLocalTask } from '../lib/local/create-task';
import { prepare, translateFor, type PreparedTask } from '../lib/local/prepare';
import type { Reporter } from '../lib/local/progress';
import { TaskRunner } from '../lib/local/runner/task-runner';
import type { TranslatedTask } from '../lib/local/translate/task';
import { imageFile, type ImageFile } from './image-files';
import { chooseLoadTarget, type LoadTarget } from './load-target';
import { effective, type Change, type TaskChange } from './variants';

const BENCH_LABEL = BENCH_LABEL_KEY;

export interface BenchTask {
  readonly prepared: PreparedTask;
  /** The container with the published port (nginx) and the one it depends on (php-fpm). */
  readonly proxy: string;
  readonly app: string;
  /** The proxy's environment as the template declares it. */
  readonly proxyEnv: Record<string, string>;
  /** The nginx template as built into the proxy image (from the asset directory) and its path in the image. */
  readonly proxyTemplate: ImageFile;
  /** The app's php-fpm pool, if its image has one (a PHP app). */
  readonly appPool?: ImageFile;
}

/** Prepare the task once from the assembly in `assemblyDir` on the engine asked for (or `up`'s choice). */
export async function prepareTask(o: { assemblyDir: string; engine?: string; reporter: Reporter; taskName?: string }): Promise<BenchTask> {
  const prepared = await prepare({
    taskName: o.taskName ?? `bench-${process.pid}`,
    projectDir: process.cwd(),
    hostPort: 0,
    reporter: o.reporter,
    engineRequest: { flag: o.engine, env: process.env },
    labelKey: BENCH_LABEL,
    assemblyDir: o.assemblyDir,
  });
  const assembly = prepared.assembly;
  const defs = assembly.properties.ContainerDefinitions as any[];
  const proxyDef = defs.find((d) => Array.isArray(d.PortMappings) && d.PortMappings.length);
  if (!proxyDef) throw new Error('no container of the task publishes a port');
  const app = String(proxyDef.DependsOn?.[0]?.ContainerName ?? defs.find((d) => d !== proxyDef)?.Name);
  const proxyEnv = Object.fromEntries((proxyDef.Environment ?? []).map((e: any) => [String(e.Name), String(e.Value)]));
  // The files the variants change, as the images' build contexts have them.
  const fileOf = (container: string, name: string): ImageFile | undefined => {
    const image = assembly.images[container];
    if (!image?.directory) return undefined;
    const dockerfile = readFileSync(path.join(image.directory, image.dockerfile ?? 'Dockerfile'), 'utf8');
    try {
      return imageFile(image.directory, dockerfile, name, `the ${container} image`);
    } catch {
      return undefined;
    }
  };
  const proxyTemplate = fileOf(String(proxyDef.Name), 'nginx.conf.template');
  if (!proxyTemplate) throw new Error('the proxy image is not a CDK asset whose Dockerfile copies nginx.conf.template: its nginx template cannot be read');
  return {
    prepared,
    proxy: String(proxyDef.Name),
    app,
    proxyEnv,
    proxyTemplate,
    appPool: fileOf(app, 'pool.conf'),
  };
}

export interface Variant {
  /** Short id, part of the task name. */
  readonly id: string;
  readonly label: string;
  /** Environment values replaced in every container that declares them (the runner's override mechanism). */
  readonly env?: Record<string, { value: string; reason: string }>;
  /** The typed change of the translated task (variants.ts). */
  readonly change?: TaskChange;
  /**
   * Settings the task is synthesized with, over the project's (bench/settings-variant.ts: its own
   * assembly), and how the report names them.
   */
  readonly settings?: { readonly values: Record<string, unknown>; readonly describe: string };
}

export interface RunningTask {
  readonly name: string;
  /** The port published on 127.0.0.1 (what `local up` prints). */
  readonly port: number;
  /** Where the load goes (bench/load-target.ts): the task's own address, as an ALB reaches it, when the host reaches it. */
  readonly target: LoadTarget;
  readonly variant: Variant;
  readonly translated: TranslatedTask;
  /** What the variant changed, per container (`task` for the task's own fields); unchanged containers left out. */
  readonly changes: Change[];
  /** From creating the task to every container healthy. */
  readonly startMs: number;
  /** Engine container names by the definition's container name. */
  readonly containerNames: Record<string, string>;
  stop(): Promise<void>;
}

const live = new Map<string, ContainerEngine>();

/** Remove every task this process created (on errors and signals). */
export async function removeAllTasks(): Promise<void> {
  for (const [name, engine] of live) {
    await engine.removeTask(name).catch(() => undefined);
    live.delete(name);
  }
}

/** Create and start one variant of the task and wait until every container is healthy. */
export async function startTask(
  t: BenchTask,
  variant: Variant,
  o: {
    reporter: Reporter;
    startPeriodProbeMs?: number;
    /** Measurement only (bench/pinning.ts): the CPUs the task runs on, a cpuset the engine sets; ECS has none. */
    cpuset?: string;
  },
): Promise<RunningTask> {
  const { engine, assembly, images, facts, loadBalancer } = t.prepared;
  const name = `bench-${variant.id}-${process.pid}`;
  const port = await freePort();
  const base = translateFor({
    assembly,
    images,
    engine,
    facts,
    loadBalancer,
    taskName: name,
    hostPort: port,
    labelKey: BENCH_LABEL,
    environmentOverrides: variant.env,
  });
  const changed = variant.change ? variant.change(base) : { task: base, changes: [] };
  const settings: Change[] = variant.settings ? [{ container: 'task', removed: [], added: [`settings ${variant.settings.describe}`] }] : [];
  const changes = [...settings, ...changed.changes];
  // After the variant's change, so a variant never sees (or drops) the bench's own pinning.
  const translated = o.cpuset === undefined ? changed.task : { ...changed.task, task: { ...changed.task.task, measurementCpuset: o.cpuset } };
  const plan = {
    ...t.prepared.plan,
    taskName: name,
    url: `http://127.0.0.1:${port}/`,
    hostPort: port,
    createdAt: new Date().toISOString(),
    containers: translated.containers.map((c) => ({ ...c, image: images[c.name].ref })),
  };
  const began = Date.now();
  if ((await engine.taskExists(name)) !== 'absent') await engine.removeTask(name);
  live.set(name, engine);
  const fail = async (e: unknown): Promise<never> => {
    await engine.removeTask(name).catch(() => undefined);
    live.delete(name);
    throw e instanceof LocalStepError ? new LocalStepError(e.step, `${name}: ${e.message}`, e.details) : e;
  };
  await createLocalTask(engine, { ...t.prepared, translated, plan }, new Map(), o.reporter, BENCH_LABEL).catch(fail);
  const runner = await o.reporter.step(`start ${name} (${variant.label}) on 127.0.0.1:${port}, until every container is healthy`, async (s) => {
    const r = new TaskRunner(
      plan,
      engine,
      (e) => {
        if (e.kind === 'progress' || e.kind === 'step') s.update(e.text);
        if (e.kind === 'failed' || e.kind === 'stopped') o.reporter.warn(`${name}: ${e.text}${e.details?.length ? `\n  ${e.details.join('\n  ')}` : ''}`);
      },
      () => undefined,
      { mode: 'foreground', startPeriodProbeMs: o.startPeriodProbeMs },
    );
    await r.start().catch(fail);
    return r;
  });
  const startMs = Date.now() - began;
  const target = await chooseLoadTarget({
    address: await engine.taskAddress(name).catch(() => undefined),
    containerPort: translated.task.publish.find((p) => p.hostPort === port)?.containerPort,
    publishedPort: port,
    unreachable: engine.info.remote
      ? 'the engine runs on another kernel: its networks are not this host'
      : engine.info.rootless
        ? "a rootless engine's networks are inside its own namespace"
        : engine.info.kind === 'docker' && translated.task.network
          ? `Docker puts the task on the internal network ${translated.task.network.name} (the stand-in database's) only, reached from the host through its relay (TaskSpec.network)`
          : undefined,
  });
  return {
    name,
    port,
    target,
    variant,
    translated,
    changes: effective(changes),
    startMs,
    containerNames: Object.fromEntries(translated.containers.map((c) => [c.name, c.containerName])),
    async stop() {
      await runner.stop('benchmark finished');
      await engine.removeTask(name);
      live.delete(name);
    },
  };
}
