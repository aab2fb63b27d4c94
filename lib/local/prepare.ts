/**
 * The one preparation of a local task, shared by `up`, the end-to-end suite and the benchmark: the
 * container engine, a current cloud assembly, the task definition read from it, the images, the ALB
 * stand-in, the translation as it holds on the engine, and the plan that `up` records.
 */
import * as path from 'node:path';
import { readAssemblyTask, type AssemblyTask } from './assembly-task';
import type { ContainerEngine } from './engines/container-engine';
import { realConnectors, selectEngine, type EngineRequest } from './engines/select-engine';
import { LocalStepError } from './errors';
import { applyEngineNotes, fieldsOnEngine } from './translate/field-report';
import { prepareStandin, standinFields, standinSecretValues, type PreparedStandin } from './standin/standin';
import { endpointOverrides } from './standin/template-database';
import { hostFacts, type HostFacts } from './host/host-facts';
import { assetImageRef, ensureImage } from './images';
import type { Reporter } from './progress';
import { TASK_LABEL_KEY } from './labels';
import type { LocalPlan } from './state';
import { assemblyDir, staleReason, synthesize } from './synth';
import type { FieldReport } from './spec';
import { translateTask, type TranslatedTask } from './translate/task';

/**
 * The proxy's setting naming the load balancer's addresses (containers/proxy/README.md): nginx trusts
 * X-Forwarded-For only from them. Locally there is no ALB: the address the host's connections to the
 * published port arrive from (the engine knows it) is the only peer, so it takes the ALB's place.
 */
const LOAD_BALANCER_TRUST_ENV = 'TRUSTED_PROXY_CIDRS';

/** A single address as a CIDR: /32 for IPv4, /128 for IPv6. Pure. */
const hostCidr = (address: string) => (address.includes('/') ? address : address.includes(':') ? `${address}/128` : `${address}/32`);

export interface PrepareOptions {
  readonly taskName: string;
  readonly projectDir: string;
  readonly hostPort: number;
  readonly reporter: Reporter;
  readonly engineRequest?: EngineRequest;
  /** An engine already connected (the benchmark's, a test's); skips the selection. */
  readonly engine?: ContainerEngine;
  readonly facts?: HostFacts;
  /** Label every object carries (the runner's by default; the benchmark uses its own). */
  readonly labelKey?: string;
  /** Environment overrides besides the ALB stand-in (benchmark variants). */
  readonly environmentOverrides?: Record<string, { value: string; reason: string }>;
  /**
   * A cloud assembly already synthesized (`cdk synth -o <dir>`, with its own settings) to run instead
   * of the project's, which is then neither checked nor synthesized.
   */
  readonly assemblyDir?: string;
  /** A fixture's changes to the task read from cdk.out (the end-to-end suite's task definitions with a database or EFS). */
  readonly transformAssembly?: (assembly: AssemblyTask) => AssemblyTask;
  /** Runs once the task definition is read, before any image is built: checks that should fail fast (`up`'s secrets). */
  readonly beforeImages?: (assembly: AssemblyTask) => void;
}

export interface PreparedTask {
  readonly engine: ContainerEngine;
  readonly facts: HostFacts;
  readonly assembly: AssemblyTask;
  readonly images: Record<string, { ref: string; origin: string }>;
  readonly translated: TranslatedTask;
  /** The translator's field reports as they hold on the engine (its capabilities). */
  readonly fields: FieldReport[];
  readonly loadBalancer: string;
  readonly plan: LocalPlan;
  /** The RDS stand-in, when the template has a database. */
  readonly standin?: PreparedStandin;
}

export async function prepare(o: PrepareOptions): Promise<PreparedTask> {
  const r = o.reporter;
  const facts = o.facts ?? hostFacts();
  const labelKey = o.labelKey ?? TASK_LABEL_KEY;
  const engine = o.engine ?? (await selectEngine(facts, o.engineRequest ?? { env: process.env }, r, realConnectors(labelKey)));

  if (!o.assemblyDir) {
    const reason = staleReason(o.projectDir);
    if (reason) await synthesize(o.projectDir, r, reason);
    else r.info('cdk.out is current (no input changed since the last synth)');
  }
  const outdir = o.assemblyDir ?? assemblyDir(o.projectDir);
  const read = await r.step(`read the task definition from ${path.relative(process.cwd(), outdir) || outdir}`, async () => readAssemblyTask(outdir));
  const assembly = o.transformAssembly ? o.transformAssembly(read) : read;
  o.beforeImages?.(assembly);

  const images = await ensureImages(engine, facts, assembly, r);
  const standin = assembly.database
    ? await prepareStandin(engine, facts, { db: assembly.database, taskName: o.taskName, projectDir: o.projectDir, labelKey }, r)
    : undefined;
  // With the stand-in on Docker the task's only network is the stand-in's internal one, and the ingress
  // relays that take the ALB's place connect from an address on it: its subnet is the trusted peer.
  const isolated = standin !== undefined && engine.info.kind === 'docker';
  const loadBalancer = await r.step(`find the load balancer stand-in on ${engine.info.kind}`, async () =>
    isolated ? (await engine.createNetwork(standin.spec.network, { [labelKey]: o.taskName })).subnet : engine.loadBalancerAddress(Object.values(images)[0].ref),
  );
  const translated = translateFor({
    assembly,
    images,
    engine,
    facts,
    loadBalancer,
    taskName: o.taskName,
    hostPort: o.hostPort,
    labelKey,
    environmentOverrides: o.environmentOverrides,
    standin,
    isolated,
  });
  let fields = fieldsOnEngine(
    translated.fields,
    translated.task,
    translated.containers.map((c) => c.spec),
    engine.capabilities,
  );
  if (standin) {
    const secretEnvs = [...standinSecretValues(assembly.properties, o.taskName, standin.db, standin.credentials).values()];
    fields = applyEngineNotes(fields, standinFields(standin, secretEnvs, engine.capabilities.secrets, isolated));
  }

  const plan: LocalPlan = {
    taskName: o.taskName,
    engine: engine.info.kind,
    projectDir: o.projectDir,
    url: `http://127.0.0.1:${o.hostPort}/`,
    hostPort: o.hostPort,
    templateFile: assembly.templateFile,
    taskLogicalId: assembly.logicalId,
    createdAt: new Date().toISOString(),
    containers: translated.containers.map((c) => ({
      name: c.name,
      containerName: c.containerName,
      image: images[c.name].ref,
      essential: c.essential,
      dependsOn: c.dependsOn,
      health: c.health,
      restart: c.restart,
      stopTimeoutS: c.stopTimeoutS,
      startTimeoutS: c.startTimeoutS,
    })),
    fields,
    secrets: translated.containers.flatMap((c) => c.secrets.map((s) => s.secretId)),
    standin: standin && {
      containerName: standin.spec.engineName,
      engine: standin.db.engine,
      address: `${standin.spec.alias}:${standin.db.port}`,
      network: standin.spec.network,
      volume: standin.spec.volume,
    },
  };
  return { engine, facts, assembly, images, translated, fields, loadBalancer, plan, standin };
}

/** Build or find every container image of the task (cached by asset hash). */
async function ensureImages(engine: ContainerEngine, facts: HostFacts, assembly: AssemblyTask, r: Reporter): Promise<PreparedTask['images']> {
  const images: PreparedTask['images'] = {};
  for (const [name, source] of Object.entries(assembly.images)) images[name] = await ensureImage(engine, facts, name, source, r);
  return images;
}

export interface TranslateForOptions {
  readonly assembly: AssemblyTask;
  readonly images: PreparedTask['images'];
  readonly engine: ContainerEngine;
  readonly facts: HostFacts;
  readonly loadBalancer: string;
  readonly taskName: string;
  readonly hostPort: number;
  readonly labelKey: string;
  readonly environmentOverrides?: Record<string, { value: string; reason: string }>;
  /** The RDS stand-in: DB_HOST and the like point at it, its CA lands at DB_TLS_CA_FILE, the task joins its network. */
  readonly standin?: PreparedStandin;
  /** The stand-in's internal network is the task's only one (Docker); `loadBalancer` is then its subnet, where the ingress relays connect from. */
  readonly isolated?: boolean;
}

/** The variable naming where the app finds the CA bundle that verifies the database server (the template's contract). */
const DB_CA_FILE_ENV = 'DB_TLS_CA_FILE';

/** The task definition translated for one local task: its name, port, ALB stand-in and host limits. */
export function translateFor(o: TranslateForOptions): TranslatedTask {
  const { assembly, images, engine, facts, loadBalancer, labelKey } = o;
  const firstPort = (assembly.properties.ContainerDefinitions as any[])
    .flatMap((d) => (Array.isArray(d.PortMappings) ? d.PortMappings : []))
    .map((p: any) => Number(p.ContainerPort))
    .find((p: number) => Number.isFinite(p));
  const refs = Object.fromEntries(
    Object.entries(assembly.images).map(([name, src]) => [
      name,
      {
        ref: images[name]?.ref ?? src.registryRef ?? assetImageRef(name, src.assetHash!),
        origin: src.registryRef
          ? 'pulled from its registry'
          : `built locally with ${engine.info.kind} from the CDK asset ${path.basename(src.directory!)}, tagged with the asset hash`,
      },
    ]),
  );
  const standin = o.standin;
  try {
    const translated = translateTask(assembly.properties, {
      taskName: o.taskName,
      labelKey,
      agentSettings: assembly.agentSettings,
      images: refs,
      hostPorts: firstPort !== undefined ? { [firstPort]: o.hostPort } : {},
      environmentOverrides: {
        [LOAD_BALANCER_TRUST_ENV]: {
          value: hostCidr(loadBalancer),
          reason: o.isolated
            ? `no ALB locally: the ingress relay (socat in its own container, outside the task) connects from the task's internal network ${loadBalancer} and plays the load balancer`
            : `no ALB locally: ${loadBalancer}, where ${engine.info.kind} delivers the host's connections to the published port from, is the only peer and plays the load balancer`,
        },
        ...(standin ? endpointOverrides(assembly.properties.ContainerDefinitions as unknown[], standin.db) : {}),
        ...o.environmentOverrides,
      },
      fileAtPathOf: standin
        ? {
            [DB_CA_FILE_ENV]: {
              hostFile: standin.caFile,
              reason: "the local CA's certificate (the runner's cache dir), which verifies the stand-in, instead of the RDS CA bundle",
            },
          }
        : undefined,
      accessPoints: assembly.accessPoints,
      // A container cannot get more than the process that starts it (rootless podman), or than the
      // daemon (Docker, which runs with its own limits): clamp only where this process starts them.
      hostHardLimits: engine.info.kind === 'podman' && !engine.info.remote ? facts.hardLimits : {},
    });
    if (standin) translated.task.network = { name: standin.spec.network, relayImage: standin.spec.image };
    return translated;
  } catch (e) {
    throw new LocalStepError('translate the task definition', (e as Error).message);
  }
}
