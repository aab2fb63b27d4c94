/**
 * The synthesized task as podman pods for the benchmark, built from the local runner's own modules:
 * the cloud assembly reader, the shared preparation (lib/local/prepare.ts: images and the translation
 * with the same ALB stand-in as `secure-ecs local up`), podman's rendering of it (podman arguments) and
 * the TaskRunner that starts the containers in dependency order and waits until they are healthy.
 * Unlike `up`, it creates the pod and its containers itself from those arguments instead of through
 * `engine.createTask`, so a bench pod gets no task-level pids.max and no health-check readback, and
 * the bench runs on podman only. A variant only transforms the rendered arguments (variants.ts).
 *
 * Bench pods carry the label `secure-ecs.bench` (not the runner's `secure-ecs.local`, which CI checks
 * for leftovers of `npm start`), are named `bench-<variant>-<pid>` and publish on 127.0.0.1 only.
 */
import { BENCH_LABEL_KEY } from '../lib/local/labels';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { readAssemblyTask, type AssemblyTask } from '../lib/local/assembly-task';
import { podmanCreateArgs, podmanPodArgs } from '../lib/local/engines/podman/args';
import type { PodmanEngine } from '../lib/local/engines/podman/engine';
import { LocalStepError } from '../lib/local/errors';
import type { HostFacts } from '../lib/local/host/host-facts';
import { ensureImages, translateFor } from '../lib/local/prepare';
import type { Reporter } from '../lib/local/progress';
import type { LocalPlan } from '../lib/local/state';
import { TaskRunner } from '../lib/local/runner/task-runner';
import type { TranslatedTask } from '../lib/local/translate/task';
import { podWithoutCpuCap, podWithoutLimits, unhardenContainer, withExtraFlags, type Change, type CreateTransform } from './variants';

export const BENCH_LABEL = BENCH_LABEL_KEY;

export interface BenchTask {
  readonly assembly: AssemblyTask;
  readonly images: Record<string, { ref: string; origin: string }>;
  /** The container with the published port (nginx) and the one it depends on (php-fpm). */
  readonly proxy: string;
  readonly app: string;
  /** The proxy's environment as the template declares it. */
  readonly proxyEnv: Record<string, string>;
  /** The nginx template as built into the proxy image (from the asset directory) and its path in the image. */
  readonly proxyTemplate: { readonly text: string; readonly pathInImage: string };
  /** Where podman delivers the host's connections from: the peer of every request to a published port. */
  readonly gateway: string;
  readonly facts: HostFacts;
}

/** Read the task from the assembly, make sure its images exist (built by the runner's builder if not). */
export async function prepareTask(engine: PodmanEngine, facts: HostFacts, outdir: string, reporter: Reporter): Promise<BenchTask> {
  const assembly = readAssemblyTask(outdir);
  const images = await ensureImages(engine, facts, assembly, reporter);
  const defs = assembly.properties.ContainerDefinitions as any[];
  const proxyDef = defs.find((d) => Array.isArray(d.PortMappings) && d.PortMappings.length);
  if (!proxyDef) throw new Error('no container of the task publishes a port');
  const app = String(proxyDef.DependsOn?.[0]?.ContainerName ?? defs.find((d) => d !== proxyDef)?.Name);
  const proxyEnv = Object.fromEntries((proxyDef.Environment ?? []).map((e: any) => [String(e.Name), String(e.Value)]));
  const dir = assembly.images[proxyDef.Name].directory;
  if (!dir) throw new Error('the proxy image is not a CDK asset: its nginx template cannot be read');
  const dockerfile = readFileSync(path.join(dir, assembly.images[proxyDef.Name].dockerfile ?? 'Dockerfile'), 'utf8');
  // The source is relative to the build context (the containers folder: proxy/nginx.conf.template).
  const copy = /^COPY\s+(\S*nginx\.conf\.template)\s+(\S+)/m.exec(dockerfile);
  if (!copy) throw new Error('the proxy Dockerfile does not COPY nginx.conf.template');
  const pathInImage = copy[2].endsWith('/') ? `${copy[2]}nginx.conf.template` : copy[2];
  const gateway = await engine.loadBalancerAddress(Object.values(images)[0].ref);
  return {
    assembly,
    images,
    proxy: String(proxyDef.Name),
    app,
    proxyEnv,
    proxyTemplate: { text: readFileSync(path.join(dir, copy[1]), 'utf8'), pathInImage },
    gateway,
    facts,
  };
}

export interface VariantSpec {
  /** Short id, part of the pod name. */
  readonly id: string;
  readonly label: string;
  /** Environment values replaced in every container that declares them (the runner's override mechanism). */
  readonly env?: Record<string, { value: string; reason: string }>;
  /** Remove the hardening from every container (and with removeLimits the task's CPU and memory limits). */
  readonly unharden?: { readonly removeLimits: boolean };
  /** A template bind-mounted read-only over the proxy image's nginx template. */
  readonly proxyTemplateText?: string;
  /** A change to every container's `podman create` arguments (bench/variants.ts). */
  readonly createTransform?: CreateTransform;
  /** Remove the pod's CPU quota (`--cpus`), keep its memory limit. */
  readonly noCpuCap?: boolean;
}

export interface RunningPod {
  readonly name: string;
  readonly port: number;
  readonly spec: VariantSpec;
  readonly translated: TranslatedTask;
  /** The final `podman pod create` and `podman create` arguments. */
  readonly podArgs: string[];
  readonly createArgs: Record<string, string[]>;
  readonly changes: Change[];
  readonly podRemoved: string[];
  /** From `podman pod create` to every container healthy. */
  readonly startMs: number;
  readonly containerNames: Record<string, string>;
  stop(): Promise<void>;
}

const live = new Map<string, PodmanEngine>();

/** Remove every pod this process started (on errors and signals). */
export async function removeAllPods(): Promise<void> {
  for (const [name, engine] of live) {
    await engine.podman.run(['pod', 'rm', '--force', name]);
    live.delete(name);
  }
}

/** A free TCP port on 127.0.0.1 in 18000-18999. */
async function freeBenchPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 127.0.0.1:18000-18999');
}

async function imageCmd(engine: PodmanEngine, ref: string): Promise<string[]> {
  return (await engine.imageConfig(ref))?.cmd ?? [];
}

/** Translate the task for one variant, create its pod and containers, start them and wait until healthy. */
export async function startPod(
  engine: PodmanEngine,
  task: BenchTask,
  spec: VariantSpec,
  o: { workDir: string; reporter: Reporter; /** Probe interval during health start periods (the runner's default when unset). */ startPeriodProbeMs?: number },
): Promise<RunningPod> {
  const name = `bench-${spec.id}-${process.pid}`;
  const port = await freeBenchPort();
  const podman = engine.podman;
  const translated = translateFor({
    assembly: task.assembly,
    images: task.images,
    engine,
    facts: task.facts,
    loadBalancer: task.gateway,
    taskName: name,
    hostPort: port,
    labelKey: BENCH_LABEL,
    environmentOverrides: spec.env,
  });
  let podArgs = podmanPodArgs(translated.task);
  let podRemoved: string[] = [];
  const changes: Change[] = [];
  const createArgs: Record<string, string[]> = {};
  for (const c of translated.containers) {
    let args = podmanCreateArgs(c.spec, name);
    if (spec.unharden) {
      const u = unhardenContainer(c.name, args, { removeLimits: spec.unharden.removeLimits, imageCmd: await imageCmd(engine, task.images[c.name].ref) });
      args = u.args;
      changes.push(u.change);
    }
    if (spec.proxyTemplateText !== undefined && c.name === task.proxy) {
      const file = path.join(o.workDir, `${name}.nginx.conf.template`);
      writeFileSync(file, spec.proxyTemplateText);
      chmodSync(file, 0o644);
      const mount = `${file}:${task.proxyTemplate.pathInImage}:ro`;
      args = withExtraFlags(args, ['--volume', mount]);
      changes.push({ container: c.name, removed: [], added: [`--volume <variant template>:${task.proxyTemplate.pathInImage}:ro`] });
    }
    if (spec.createTransform) {
      const t = spec.createTransform(args);
      args = t.args;
      changes.push({ container: c.name, removed: t.removed, added: t.added });
    }
    createArgs[c.name] = args;
  }
  if (spec.noCpuCap) {
    const p = podWithoutCpuCap(podArgs);
    podArgs = p.args;
    podRemoved = p.removed;
  }
  if (spec.unharden?.removeLimits) {
    const p = podWithoutLimits(podArgs);
    podArgs = p.args;
    podRemoved = p.removed;
  }

  const plan: LocalPlan = {
    taskName: name,
    engine: 'podman',
    projectDir: process.cwd(),
    url: `http://127.0.0.1:${port}/`,
    hostPort: port,
    templateFile: task.assembly.templateFile,
    taskLogicalId: task.assembly.logicalId,
    createdAt: new Date().toISOString(),
    // A translated container carries every field the runner plans with (the plan is never written to disk here).
    containers: translated.containers.map((c) => ({ ...c, image: task.images[c.name].ref })),
    fields: translated.fields,
    secrets: [],
  };

  const began = Date.now();
  const runner = await o.reporter.step(`pod ${name} (${spec.label}) on 127.0.0.1:${port}`, async (s) => {
    if ((await podman.run(['pod', 'exists', name])).code === 0) await podman.ok('remove stale pod', ['pod', 'rm', '--force', name]);
    live.set(name, engine);
    await podman.ok('create pod', ['pod', 'create', ...podArgs]);
    for (const c of translated.containers) await podman.ok(`create ${c.name}`, ['create', ...createArgs[c.name]]);
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
    try {
      await r.start();
    } catch (e) {
      await podman.run(['pod', 'rm', '--force', name]);
      live.delete(name);
      throw e instanceof LocalStepError ? new LocalStepError(e.step, `${name}: ${e.message}`, e.details) : e;
    }
    return r;
  });
  const startMs = Date.now() - began;
  const containerNames = Object.fromEntries(translated.containers.map((c) => [c.name, c.containerName]));
  return {
    name,
    port,
    spec,
    translated,
    podArgs,
    createArgs,
    changes,
    podRemoved,
    startMs,
    containerNames,
    async stop() {
      await runner.stop('benchmark finished');
      await podman.run(['pod', 'rm', '--force', name]);
      live.delete(name);
    },
  };
}
