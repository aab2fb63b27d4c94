/**
 * The Docker engine, through the Docker Engine API with dockerode (the maintained Node client of the
 * API the docker CLI itself speaks): structured requests and responses instead of CLI text, secrets
 * in request bodies instead of command lines, and no dependency on a docker CLI binary (colima or a
 * remote daemon need only the socket). The task has the ECS agent's awsvpc shape (api.ts) and a task
 * cgroup with the task limits (../task-cgroup.ts). Images are images.ts's, container output streams.ts's.
 */
import Docker from 'dockerode';
import { LocalStepError } from '../../errors';
import { pollUntil } from '../../poll';
import type { HostFacts } from '../../host/host-facts';
import { ROLE_LABEL_KEY, VOLUME_SCOPE_LABEL_KEY } from '../../labels';
import type { ContainerSpec, TaskSpec } from '../../spec';
import {
  networkAddressOf,
  pauseName,
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
import { applyScript, cleanupScript, taskCgroupLayout, type CgroupLayout } from '../task-cgroup';
import { dockerContainerBody, dockerPauseBody } from './api';
import { apiMessage, statusCode as status } from './daemon-errors';
import { reachDaemon } from './connect';
import { bridgeGatewayAddress } from './gateway';
import { CGROUP_MOUNT, runCgroupHelper } from './cgroup-helper';
import { dockerCapabilities } from './capabilities';
import { buildImage, imageConfig, imageExists, importImage, pullImage } from './images';
import { dockerImageIdentity, readDockerImageFiles } from './image-files';
import { createContainer, exec, followLogs, runOnce } from './streams';
import { createDockerNetwork, dockerStandinBody, ensureDockerVolume, removeLabelled, startIngressRelays } from './standin';
import type { VolumeSpec } from '../../spec';
import type { StandinSpec } from '../../standin/standin-spec';

export class DockerEngine implements ContainerEngine {
  readonly capabilities: EngineCapabilities;

  /** Prefer `connect`; this is for a daemon whose facts are already known (tests). */
  constructor(
    readonly docker: Docker,
    readonly info: EngineInfo,
    private readonly labelKey: string,
  ) {
    this.capabilities = dockerCapabilities(info);
  }

  /** A daemon that answers, or a LocalStepError saying why not (permission, not running ...). */
  static async connect(facts: HostFacts, labelKey: string, timeoutMs = 5000): Promise<DockerEngine> {
    const { docker, info } = await reachDaemon(facts, timeoutMs);
    return new DockerEngine(docker, info, labelKey);
  }

  private layout(task: Pick<TaskSpec, 'name' | 'cpuUnits' | 'memoryMiB' | 'pidsLimit'>): CgroupLayout | undefined {
    if (!('honoured' in this.capabilities.taskLimits)) return undefined;
    return taskCgroupLayout(task.name, task, { version: this.info.cgroupVersion, driver: this.info.cgroupDriver });
  }

  loadBalancerAddress(): Promise<string> {
    return bridgeGatewayAddress(this.docker);
  }

  imageExists(ref: string): Promise<boolean> {
    return imageExists(this.docker, ref);
  }

  pullImage(ref: string, onLine: (line: string) => void): Promise<void> {
    return pullImage(this.docker, ref, onLine);
  }

  buildImage(req: BuildRequest, onLine: (line: string) => void): Promise<void> {
    return buildImage(this.docker, req, onLine);
  }

  importImage(tarFile: string, ref: string): Promise<void> {
    return importImage(this.docker, tarFile, ref);
  }

  imageConfig(ref: string): Promise<ImageConfig | undefined> {
    return imageConfig(this.docker, ref);
  }

  imageIdentity(ref: string): Promise<ImageIdentity | undefined> {
    return dockerImageIdentity(this.docker, ref);
  }

  readImageFiles(ref: string, imagePath: string): Promise<Map<string, Buffer>> {
    return readDockerImageFiles(this.docker, ref, imagePath);
  }

  async createTask(task: TaskSpec, containers: ContainerSpec[], secretValues: ReadonlyMap<string, string>, onLine: (line: string) => void): Promise<void> {
    const layout = this.layout(task);
    // The pause container runs the first container's image (built or pulled already) unless the task
    // names a helper image: `sleep` is all it needs, and no image has to come from a registry.
    const pauseImage = task.helperImage ?? containers[0].image;
    onLine(`pause container ${pauseName(task)}`);
    const pause = await createContainer(this.docker, dockerPauseBody(task, pauseImage, layout));
    try {
      await pause.start();
    } catch (e) {
      throw new LocalStepError('start the pause container', apiMessage(e));
    }
    if (task.network) await startIngressRelays(this.docker, task, (l) => onLine(l));
    if (layout) {
      onLine(`task cgroup ${layout.parent}`);
      await runCgroupHelper(this.docker, this.labelKey, task.name, pauseImage, applyScript(layout, CGROUP_MOUNT), 'set the task cgroup limits');
    }
    for (const c of containers) {
      onLine(`container ${c.engineName}`);
      await createContainer(this.docker, dockerContainerBody(c, task, layout, secretValues));
    }
  }

  createNetwork(name: string, labels: Record<string, string>): Promise<{ subnet: string }> {
    return createDockerNetwork(this.docker, name, labels);
  }

  ensureVolume(volume: VolumeSpec, labels: Record<string, string>, helperImage: string): Promise<{ created: boolean }> {
    return ensureDockerVolume(this.docker, volume, labels, helperImage);
  }

  removeVolumes(taskName: string): Promise<string[]> {
    return removeLabelled(this.docker, 'volume', `${this.labelKey}=${taskName}`);
  }

  async createStandin(spec: StandinSpec, secretEnv: ReadonlyMap<string, string>): Promise<void> {
    await createContainer(this.docker, dockerStandinBody(spec, secretEnv));
  }

  async taskExists(taskName: string): Promise<'absent' | 'ours' | 'foreign'> {
    try {
      const d = await this.docker.getContainer(pauseName({ name: taskName })).inspect();
      return d.Config.Labels?.[this.labelKey] === taskName ? 'ours' : 'foreign';
    } catch (e) {
      if (status(e) === 404) return (await this.listContainers(this.labelKey, taskName)).length ? 'ours' : 'absent';
      throw e;
    }
  }

  async removeTask(taskName: string): Promise<string[]> {
    const removed: string[] = [];
    const listed = await this.docker.listContainers({ all: true, filters: { label: [`${this.labelKey}=${taskName}`] } });
    // The cgroup cleanup runs `sh` in the pause container's image, which has one (TaskSpec.helperImage).
    const image = (listed.find((c) => c.Labels?.[ROLE_LABEL_KEY] === 'pause') ?? listed[0])?.Image;
    // The task's own containers first, the pause container (their namespace owner) last.
    const order = [...listed].sort((a, b) => Number(a.Labels?.[ROLE_LABEL_KEY] === 'pause') - Number(b.Labels?.[ROLE_LABEL_KEY] === 'pause'));
    for (const c of order) {
      await this.docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((e) => {
          // 404: already gone; 409: another removal of it is under way (a runner stopping the task).
          if (status(e) !== 404 && status(e) !== 409) throw new LocalStepError('remove the task', `docker rm ${c.Names[0]} failed: ${apiMessage(e)}`);
        });
      removed.push(`container ${c.Names[0]?.replace(/^\//, '')}`);
    }
    // Removal in progress elsewhere ends shortly; the task is removed when none of its containers is left.
    const gone = await pollUntil(async () => ((await this.listContainers(this.labelKey, taskName)).length ? undefined : true), {
      everyMs: 200,
      deadlineMs: 30_000,
    });
    if (!gone) throw new LocalStepError('remove the task', `containers of ${taskName} are still present 30 s after docker rm`);
    removed.push(...(await removeLabelled(this.docker, 'network', `${this.labelKey}=${taskName}`)));
    // Task-scoped volumes go with the task, as the ECS agent removes them (translate/docker-volumes.ts).
    removed.push(...(await removeLabelled(this.docker, 'volume', `${this.labelKey}=${taskName}`, `${VOLUME_SCOPE_LABEL_KEY}=task`)));
    const layout = this.layout({ name: taskName });
    if (layout?.cleanup.length && image) {
      await runCgroupHelper(this.docker, this.labelKey, taskName, image, cleanupScript(layout, CGROUP_MOUNT), 'remove the task cgroup').catch(() => undefined);
      removed.push(`cgroup ${layout.parent}`);
    }
    return removed;
  }

  async taskCgroup(taskName: string): Promise<{ v1: Record<string, string>; v2?: string } | undefined> {
    const layout = this.layout({ name: taskName });
    return layout && { v1: layout.directories.v1 ?? {}, v2: layout.directories.v2 };
  }

  async startContainer(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).start();
    } catch (e) {
      if (status(e) !== 304) throw new LocalStepError(`start ${name}`, `docker start failed: ${apiMessage(e)}`);
    }
  }

  async stopContainer(name: string, timeoutS: number): Promise<void> {
    try {
      await this.docker.getContainer(name).stop({ t: timeoutS });
    } catch (e) {
      if (status(e) !== 304 && status(e) !== 404) throw new LocalStepError(`stop ${name}`, `docker stop failed: ${apiMessage(e)}`);
    }
  }

  async inspectContainers(names: string[]): Promise<Map<string, ContainerStatus | undefined>> {
    const out = new Map<string, ContainerStatus | undefined>();
    await Promise.all(
      names.map(async (n) => {
        const d = await this.inspectRaw(n);
        if (!d) {
          out.set(n, undefined);
          return;
        }
        out.set(n, statusFromInspect(d, d.Config?.Image));
      }),
    );
    return out;
  }

  async taskAddress(taskName: string): Promise<string | undefined> {
    return networkAddressOf(await this.inspectRaw(pauseName({ name: taskName })));
  }

  async inspectRaw(name: string): Promise<any | undefined> {
    try {
      return await this.docker.getContainer(name).inspect();
    } catch (e) {
      if (status(e) === 404) return undefined;
      throw e;
    }
  }

  async runHealthCheck(): Promise<void> {
    // Docker's daemon runs the checks on the definition's schedule.
  }

  async diff(name: string): Promise<FilesystemChange[]> {
    // GET /containers/{id}/changes: Kind 0 modified, 1 added, 2 deleted (the API reference, ContainerChanges).
    const KINDS = ['changed', 'added', 'deleted'] as const;
    let changes: { Path: string; Kind: number }[] | null;
    try {
      changes = await this.docker.getContainer(name).changes();
    } catch (e) {
      throw new LocalStepError(`diff ${name}`, `docker diff failed: ${apiMessage(e)}`);
    }
    return (changes ?? []).filter((c) => KINDS[c.Kind] !== undefined).map((c) => ({ path: c.Path, kind: KINDS[c.Kind] }));
  }

  async listContainers(labelKey: string, labelValue: string): Promise<string[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${labelKey}=${labelValue}`] } });
    return list.map((c) => c.Names[0]?.replace(/^\//, '')).filter(Boolean);
  }

  async listTasks(): Promise<string[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [this.labelKey] } });
    return [...new Set(list.map((c) => c.Labels?.[this.labelKey]).filter((n): n is string => Boolean(n)))];
  }

  logs(name: string, opts: LogOptions, onLine: (line: string) => void): Following {
    return followLogs(this.docker, name, opts, onLine);
  }

  exec(name: string, cmd: string[], opts: { user?: string; timeoutMs?: number } = {}): Promise<{ code: number; output: string }> {
    return exec(this.docker, name, cmd, opts);
  }

  runOnce(req: RunOnceRequest): Promise<{ code: number; output: string }> {
    return runOnce(this.docker, req);
  }
}
