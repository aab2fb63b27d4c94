/**
 * The podman engine: the task is a pod (podman's own awsvpc shape: the infra container holds the
 * network namespace, the pod cgroup the task limits). Podman is driven through its CLI with JSON
 * output, not its REST API: podman is daemonless, and its API exists only while `podman system
 * service` runs, a daemon users of podman do not have; `--format json` is the CLI's stable,
 * machine-readable interface (https://docs.podman.io/en/v4.3/markdown/podman-inspect.1.html).
 * The CLI arguments are args.ts's; images, output streams, the rootless peer probe, the pod PIDs
 * limit and the kernel's OOM record each have their own file here.
 */
import { VOLUME_SCOPE_LABEL_KEY } from '../../labels';
import { LocalStepError } from '../../errors';
import type { HostFacts } from '../../host/host-facts';
import { pollUntil } from '../../poll';
import type { ContainerSpec, TaskSpec } from '../../spec';
import {
  networkAddressOf,
  type BuildRequest,
  type ContainerEngine,
  type ContainerStatus,
  type EngineCapabilities,
  type EngineInfo,
  type FilesystemChange,
  type Following,
  type ImageConfig,
  type ImageIdentity,
  type LogOptions,
  type RunOnceRequest,
} from '../container-engine';
import { statusFromInspect } from '../container-status';
import { infraName, podmanCreateArgs, podmanPodArgs } from './args';
import { Podman } from './cli';
import { podmanEnv, podmanWorkDir } from './conf';
import { podmanCapabilities } from './capabilities';
import { buildImage, imageConfig, imageExists, importImage, pullImage } from './images';
import { podmanImageIdentity, readPodmanImageFiles } from './image-files';
import { readKernelLog, type KernelRecord } from './kernel-oom-log';
import { OomWatch } from './oom-watch';
import { probePeer } from './peer-probe';
import { setPodPidsLimit } from './pod-pids';
import { exec, logs, runOnce } from './streams';
import { createPodmanNetwork, createPodmanStandin, ensurePodmanVolume, removePodmanLabelled } from './standin';
import type { VolumeSpec } from '../../spec';
import type { StandinSpec } from '../../standin/standin-spec';

export class PodmanEngine implements ContainerEngine {
  readonly capabilities: EngineCapabilities;
  private readonly oomWatch: OomWatch;

  /** Prefer `connect`; this is for a podman whose facts are already known (tests drive a fake CLI here). */
  constructor(
    readonly podman: Podman,
    readonly info: EngineInfo,
    private readonly labelKey: string,
    /** The kernel's log, where OOM kills podman misses are read from (rootful podman only). */
    kernelLog: () => KernelRecord[] | undefined = readKernelLog,
  ) {
    this.oomWatch = new OomWatch(info, kernelLog);
    this.capabilities = podmanCapabilities(info);
  }

  /** A working podman with the runner's containers.conf, or a LocalStepError saying why not. */
  static async connect(facts: HostFacts, labelKey: string): Promise<PodmanEngine> {
    const podman = new Podman(podmanEnv(facts), 'podman', podmanWorkDir());
    const r = await podman.run(['info', '--format', 'json'], { timeoutMs: 60_000 });
    if (r.code !== 0)
      throw new LocalStepError(
        'container engine',
        `podman does not work: ${(r.stderr.split('\n').filter(Boolean).pop() ?? `exit ${r.code}`).replace(/^Error: /, '')}`,
      );
    const doc = JSON.parse(r.stdout);
    const host = doc.host ?? {};
    return new PodmanEngine(
      podman,
      {
        kind: 'podman',
        version: String(doc.version?.Version ?? 'unknown'),
        rootless: Boolean(host.security?.rootless),
        cgroupVersion: String(host.cgroupVersion) === 'v2' ? 2 : 1,
        cgroupDriver: host.cgroupManager === 'systemd' ? 'systemd' : 'cgroupfs',
        cgroupControllers: Array.isArray(host.cgroupControllers) ? host.cgroupControllers.map(String) : undefined,
        remote: Boolean(host.serviceIsRemote),
        endpoint: 'podman (CLI)',
      },
      labelKey,
    );
  }

  async loadBalancerAddress(image: string): Promise<string> {
    if (this.info.rootless) return probePeer(this.podman, this.labelKey, image);
    const nets = JSON.parse(await this.podman.ok('detect the pod network gateway', ['network', 'inspect', 'podman'])) as any[];
    const gateway = (nets[0]?.subnets ?? []).map((s: any) => s.gateway).find((g: unknown) => typeof g === 'string' && !g.includes(':'));
    if (!gateway) throw new LocalStepError('detect the pod network gateway', 'podman network "podman" has no IPv4 gateway');
    return gateway;
  }

  imageExists(ref: string): Promise<boolean> {
    return imageExists(this.podman, ref);
  }

  pullImage(ref: string, onLine: (line: string) => void): Promise<void> {
    return pullImage(this.podman, ref, onLine);
  }

  buildImage(req: BuildRequest, onLine: (line: string) => void): Promise<void> {
    return buildImage(this.podman, req, onLine);
  }

  importImage(tarFile: string, ref: string): Promise<void> {
    return importImage(this.podman, tarFile, ref);
  }

  imageConfig(ref: string): Promise<ImageConfig | undefined> {
    return imageConfig(this.podman, ref);
  }

  imageIdentity(ref: string): Promise<ImageIdentity | undefined> {
    return podmanImageIdentity(this.podman, ref);
  }

  readImageFiles(ref: string, imagePath: string): Promise<Map<string, Buffer>> {
    return readPodmanImageFiles(this.podman, ref, imagePath);
  }

  async createTask(task: TaskSpec, containers: ContainerSpec[], secretValues: ReadonlyMap<string, string>, onLine: (line: string) => void): Promise<void> {
    for (const [name, value] of secretValues) {
      onLine(`secret ${name}`);
      await this.podman.createSecret('create secrets', name, value, { [this.labelKey]: task.name });
    }
    onLine('pod');
    await this.podman.ok('create pod', ['pod', 'create', ...podmanPodArgs(task, { limits: 'honoured' in this.capabilities.taskLimits })]);
    if (task.pidsLimit !== undefined && 'honoured' in this.capabilities.pidsLimit)
      await setPodPidsLimit(this.info, await this.taskCgroup(task.name), task.pidsLimit, this.podman.env);
    for (const c of containers) {
      onLine(`container ${c.engineName}`);
      await this.podman.ok(`create ${c.engineName}`, ['create', ...podmanCreateArgs(c, task.name, task.measurementCpuset)]);
      if (c.health) {
        // podman builds health checks from flags; read the result back so a translation podman changed is reported.
        const got = JSON.parse(
          await this.podman.ok('verify health checks', ['container', 'inspect', '--format', '{{json .Config.Healthcheck.Test}}', c.engineName]),
        );
        if (JSON.stringify(got) !== JSON.stringify(c.health.test)) {
          throw new LocalStepError(
            'verify health checks',
            `${c.engineName}: podman recorded ${JSON.stringify(got)} for the template's ${JSON.stringify(c.health.test)}`,
          );
        }
      }
    }
  }

  createNetwork(name: string, labels: Record<string, string>): Promise<{ subnet: string }> {
    return createPodmanNetwork(this.podman, name, labels);
  }

  ensureVolume(volume: VolumeSpec, labels: Record<string, string>, helperImage: string): Promise<{ created: boolean }> {
    return ensurePodmanVolume(this.podman, volume, labels, helperImage);
  }

  removeVolumes(taskName: string): Promise<string[]> {
    return removePodmanLabelled(this.podman, 'volume', `${this.labelKey}=${taskName}`);
  }

  createStandin(spec: StandinSpec, secretEnv: ReadonlyMap<string, string>): Promise<void> {
    return createPodmanStandin(this.podman, spec, secretEnv, this.labelKey);
  }

  async taskExists(taskName: string): Promise<'absent' | 'ours' | 'foreign'> {
    if ((await this.podman.run(['pod', 'exists', taskName])).code !== 0) return 'absent';
    const labels = JSON.parse(await this.podman.ok('start', ['pod', 'inspect', '--format', '{{json .Labels}}', taskName])) ?? {};
    return labels[this.labelKey] === taskName ? 'ours' : 'foreign';
  }

  async removeTask(taskName: string): Promise<string[]> {
    const removed: string[] = [];
    const names = await this.listContainers(this.labelKey, taskName);
    if ((await this.podman.run(['pod', 'exists', taskName])).code === 0) {
      await this.podman.ok('remove the pod', ['pod', 'rm', '--force', taskName]);
      removed.push(`pod ${taskName}`);
    }
    // Containers of the label outside the pod (a failed create) go too.
    for (const n of names) {
      await this.podman.run(['rm', '--force', n]);
      removed.push(`container ${n}`);
    }
    for (const name of await this.secretsOf(taskName)) {
      if ((await this.podman.run(['secret', 'rm', name])).code === 0) removed.push(`secret ${name}`);
    }
    removed.push(...(await removePodmanLabelled(this.podman, 'network', `${this.labelKey}=${taskName}`)));
    // Task-scoped volumes go with the task, as the ECS agent removes them (translate/docker-volumes.ts).
    removed.push(...(await removePodmanLabelled(this.podman, 'volume', `${this.labelKey}=${taskName}`, `${VOLUME_SCOPE_LABEL_KEY}=task`)));
    return removed;
  }

  /**
   * Names of the secrets carrying the task's label. podman 4.3's `secret ls --format json` prints the
   * word "json" once per secret (measured), so the names are listed and their documents inspected;
   * a secret removed in between makes the batch fail, and then each is inspected alone.
   */
  private async secretsOf(taskName: string): Promise<string[]> {
    const ls = await this.podman.run(['secret', 'ls', '--noheading', '--format', '{{.Name}}']);
    const names =
      ls.code === 0
        ? ls.stdout
            .split('\n')
            .map((n) => n.trim())
            .filter(Boolean)
        : [];
    if (names.length === 0) return [];
    let docs: any[] = [];
    const all = await this.podman.run(['secret', 'inspect', ...names]);
    if (all.code === 0) docs = JSON.parse(all.stdout || '[]');
    else
      for (const n of names) {
        const one = await this.podman.run(['secret', 'inspect', n]);
        if (one.code === 0) docs.push(...JSON.parse(one.stdout || '[]'));
      }
    return docs.filter((d) => d?.Spec?.Labels?.[this.labelKey] === taskName).map((d) => String(d.Spec.Name));
  }

  async taskCgroup(taskName: string): Promise<{ v1: Record<string, string>; v2?: string } | undefined> {
    const r = await this.podman.run(['pod', 'inspect', taskName]);
    if (r.code !== 0) return undefined;
    const doc = JSON.parse(r.stdout);
    const p = String((Array.isArray(doc) ? doc[0] : doc).CgroupPath ?? '');
    return { v1: { cpu: p, memory: p, pids: p }, v2: p };
  }

  async startContainer(name: string): Promise<void> {
    await this.podman.ok(`start ${name}`, ['start', name]);
  }

  async stopContainer(name: string, timeoutS: number): Promise<void> {
    const run = (await this.inspectContainers([name])).get(name)?.startedAt;
    const r = await this.podman.run(['stop', '--time', String(timeoutS), name]);
    // podman 4.3 races its own post-stop cleanup with conmon's ("refusing to clean up: container
    // state improper"): the stop happened. Wait until the run that was stopped has ended; a run that
    // started since (the runner's restart policy restarts within a second) is not the one stopped,
    // which is what once made this wait time out ("still running after 35 s").
    if (r.code !== 0 && !/container state improper|no such container/i.test(r.stderr)) {
      throw new LocalStepError(`stop ${name}`, `podman stop failed: ${r.stderr.split('\n').pop()}`);
    }
    const ended = await pollUntil(
      async () => {
        const st = (await this.inspectContainers([name])).get(name);
        return !st || st.status !== 'running' || st.startedAt !== run ? true : undefined;
      },
      { everyMs: 100, deadlineMs: (timeoutS + 5) * 1000 },
    );
    if (!ended) throw new LocalStepError(`stop ${name}`, `still running ${timeoutS + 5} s after podman stop`);
  }

  async inspectContainers(names: string[]): Promise<Map<string, ContainerStatus | undefined>> {
    let r = await this.podman.run(['container', 'inspect', ...names]);
    let docs: any[] = [];
    if (r.code === 0) {
      docs = JSON.parse(r.stdout);
    } else {
      // One of them is gone (removed behind the runner's back): read the others one by one.
      for (const n of names) {
        r = await this.podman.run(['container', 'inspect', n]);
        if (r.code === 0) docs.push(...JSON.parse(r.stdout));
      }
    }
    const byName = new Map(docs.map((d) => [String(d.Name).replace(/^\//, ''), d]));
    const out = new Map<string, ContainerStatus | undefined>();
    for (const n of names) {
      const d = byName.get(n);
      if (!d) {
        out.set(n, undefined);
        continue;
      }
      const status = statusFromInspect(d, d.ImageName);
      out.set(n, this.oomWatch.withKernelOom(d, status));
    }
    return out;
  }

  async taskAddress(taskName: string): Promise<string | undefined> {
    return networkAddressOf(await this.inspectRaw(infraName({ name: taskName })));
  }

  async inspectRaw(name: string): Promise<any | undefined> {
    const r = await this.podman.run(['container', 'inspect', name]);
    return r.code === 0 ? JSON.parse(r.stdout)[0] : undefined;
  }

  async runHealthCheck(name: string, timeoutMs: number): Promise<void> {
    // podman applies the definition's timeout, retries and start period and records the result.
    await this.podman.run(['healthcheck', 'run', name], { timeoutMs });
  }

  async diff(name: string): Promise<FilesystemChange[]> {
    // podman 4.3's JSON form: {"changed": [...], "added": [...], "deleted": [...]} (podman-diff(1)).
    const doc = JSON.parse((await this.podman.ok(`diff ${name}`, ['diff', '--format', 'json', name])) || '{}');
    return (['changed', 'added', 'deleted'] as const).flatMap((kind) =>
      (Array.isArray(doc[kind]) ? (doc[kind] as unknown[]) : []).filter((p): p is string => typeof p === 'string').map((path) => ({ path, kind })),
    );
  }

  async listContainers(labelKey: string, labelValue: string): Promise<string[]> {
    const r = await this.podman.run(['ps', '--all', '--filter', `label=${labelKey}=${labelValue}`, '--format', '{{.Names}}']);
    return r.stdout.split('\n').filter(Boolean);
  }

  async listTasks(): Promise<string[]> {
    const docs = JSON.parse((await this.podman.ok('list the tasks', ['ps', '--all', '--filter', `label=${this.labelKey}`, '--format', 'json'])) || '[]');
    return [...new Set((Array.isArray(docs) ? docs : []).map((d) => d?.Labels?.[this.labelKey]).filter((n): n is string => typeof n === 'string' && n !== ''))];
  }

  logs(name: string, opts: LogOptions, onLine: (line: string) => void): Following {
    return logs(this.podman, name, opts, onLine);
  }

  exec(name: string, cmd: string[], opts: { user?: string; timeoutMs?: number } = {}): Promise<{ code: number; output: string }> {
    return exec(this.podman, name, cmd, opts);
  }

  runOnce(req: RunOnceRequest): Promise<{ code: number; output: string }> {
    return runOnce(this.podman, req);
  }
}
