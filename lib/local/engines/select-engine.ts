/**
 * Which container engine runs the task: `--engine`, else SECURE_ECS_ENGINE, else CDK_DOCKER when it
 * names docker or podman (the engine `cdk deploy` builds assets with), else the engine that answers,
 * Docker first. Where none answers on a Debian/Ubuntu machine with root or passwordless sudo, podman
 * is installed (it needs no daemon); elsewhere the error names the install command for the platform.
 */
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { LocalInputError, LocalStepError } from '../errors';
import { commandExists, type HostFacts } from '../host/host-facts';
import { aptInstall, engineInstallHint, privilege } from '../host/system-packages';
import type { Reporter } from '../progress';
import { ENGINE_KINDS, type ContainerEngine, type EngineKind } from './container-engine';
import { DockerEngine } from './docker/engine';
import { PodmanEngine } from './podman/engine';

export interface EngineRequest {
  /** `--engine` as given. */
  readonly flag?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The engine the user asked for, and where the request came from; undefined for automatic. Pure. */
export function requestedEngine(req: EngineRequest): { kind: EngineKind; why: string } | undefined {
  const check = (value: string, source: string): EngineKind => {
    if ((ENGINE_KINDS as readonly string[]).includes(value)) return value as EngineKind;
    throw new LocalInputError(`${source} must be one of ${ENGINE_KINDS.join(', ')}; received "${value}"`);
  };
  if (req.flag !== undefined) return { kind: check(req.flag, '--engine'), why: `--engine ${req.flag}` };
  if (req.env.SECURE_ECS_ENGINE) return { kind: check(req.env.SECURE_ECS_ENGINE, 'SECURE_ECS_ENGINE'), why: `SECURE_ECS_ENGINE=${req.env.SECURE_ECS_ENGINE}` };
  const cdkDocker = req.env.CDK_DOCKER ? path.basename(req.env.CDK_DOCKER) : undefined;
  if (cdkDocker === 'docker' || cdkDocker === 'podman') return { kind: cdkDocker, why: `CDK_DOCKER=${req.env.CDK_DOCKER} (the engine cdk deploy builds with)` };
  return undefined;
}

export interface Connectors {
  readonly docker: (facts: HostFacts) => Promise<ContainerEngine>;
  readonly podman: (facts: HostFacts) => Promise<ContainerEngine>;
  readonly podmanInstalled: () => boolean;
}

export const realConnectors = (labelKey: string): Connectors => ({
  docker: (facts) => DockerEngine.connect(facts, labelKey),
  podman: (facts) => PodmanEngine.connect(facts, labelKey),
  podmanInstalled: () => commandExists('podman'),
});

/**
 * Why rootless podman cannot run the task on this machine, if it cannot: it maps user ids with
 * newuidmap/newgidmap, and its network (slirp4netns) opens /dev/net/tun, which udev makes 0666 but
 * some VM images leave 0600 ("open("/dev/net/tun"): Permission denied").
 */
export function rootlessPodmanProblem(
  facts: Pick<HostFacts, 'platform' | 'uid'>,
  has: (cmd: string) => boolean,
  tunUsable: () => boolean = canOpenTun,
): string | undefined {
  if (facts.platform !== 'linux' || facts.uid === 0) return undefined;
  if (!has('newuidmap') || !has('newgidmap'))
    return 'rootless podman needs newuidmap and newgidmap (Debian/Ubuntu package uidmap) and subuid/subgid ranges for your user';
  if (!tunUsable())
    return "rootless podman needs /dev/net/tun readable and writable for its network (slirp4netns); it is not here: `sudo chmod 0666 /dev/net/tun` (udev's default mode), or use Docker";
  return undefined;
}

function canOpenTun(): boolean {
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const reason = (e: unknown) => (e instanceof LocalStepError ? e.message : (e as Error).message);

/** Choose and connect the engine; reports the choice and why. */
export async function selectEngine(facts: HostFacts, req: EngineRequest, reporter: Reporter, connectors: Connectors): Promise<ContainerEngine> {
  const asked = requestedEngine(req);
  const hint = engineInstallHint(facts);
  const connectPodman = async () => {
    const problem = rootlessPodmanProblem(facts, commandExists);
    if (problem) throw new LocalStepError('container engine', problem);
    if (facts.platform === 'linux' && !facts.cgroupV2Unified && !facts.hasRunc)
      await aptInstall(facts, ['runc'], 'this host has cgroup v1, which only runc supports', reporter);
    return connectors.podman(facts);
  };
  let engine: ContainerEngine;
  if (asked) {
    if (asked.kind === 'podman' && !connectors.podmanInstalled())
      throw new LocalStepError('container engine', `${asked.why}, but podman is not installed: ${hint}`);
    try {
      engine = asked.kind === 'docker' ? await connectors.docker(facts) : await connectPodman();
    } catch (e) {
      throw new LocalStepError('container engine', `${asked.why}, but ${asked.kind} does not work: ${reason(e)}`);
    }
    reporter.info(`container engine: ${describe(engine)}, chosen by ${asked.why}`);
  } else {
    let dockerProblem: string;
    try {
      engine = await connectors.docker(facts);
      reporter.info(`container engine: ${describe(engine)}, chosen because its daemon answers (Docker first; --engine or SECURE_ECS_ENGINE choose another)`);
      return warnLimits(engine, reporter);
    } catch (e) {
      dockerProblem = reason(e);
    }
    if (!connectors.podmanInstalled()) {
      const priv = facts.platform === 'linux' && facts.distro.some((d) => d === 'debian' || d === 'ubuntu') && privilege(facts);
      if (!priv)
        throw new LocalStepError('container engine', `no container engine answers (Docker: ${dockerProblem}; podman: not installed). Install one: ${hint}`);
      await aptInstall(
        facts,
        ['podman', 'runc', 'catatonit', ...(facts.uid === 0 ? [] : ['uidmap', 'slirp4netns'])],
        `no container engine answers (Docker: ${dockerProblem})`,
        reporter,
      );
    }
    try {
      engine = await connectPodman();
    } catch (e) {
      throw new LocalStepError('container engine', `no container engine works (Docker: ${dockerProblem}; podman: ${reason(e)}). ${hint}`);
    }
    reporter.info(`container engine: ${describe(engine)}, chosen because no Docker daemon answers (${dockerProblem})`);
  }
  return warnLimits(engine, reporter);
}

function describe(e: ContainerEngine): string {
  const i = e.info;
  return `${i.kind} ${i.version} (${i.rootless ? 'rootless' : 'rootful'}, cgroup v${i.cgroupVersion} ${i.cgroupDriver}${i.remote ? ', in a VM or remote' : ''}; ${i.endpoint})`;
}

function warnLimits(engine: ContainerEngine, reporter: Reporter): ContainerEngine {
  if (engine.info.kind === 'podman' && engine.info.rootless && engine.info.cgroupVersion === 1) {
    reporter.warn(
      'rootless podman on cgroup v1 cannot set CPU or memory limits: the task runs without them (listed below as not honoured). Use Docker or rootful podman, or a cgroup v2 host, to run it under its limits.',
    );
  }
  return engine;
}

/** The engine a task was created on (its plan names it), for down, status, logs and the supervisor. */
export async function connectEngine(kind: EngineKind, facts: HostFacts, labelKey: string): Promise<ContainerEngine> {
  const c = realConnectors(labelKey);
  try {
    return kind === 'docker' ? await c.docker(facts) : await c.podman(facts);
  } catch (e) {
    throw new LocalStepError('container engine', `the task was started on ${kind}, which does not answer now: ${reason(e)}`);
  }
}
