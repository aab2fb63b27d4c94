/**
 * The Docker engine, through the Docker Engine API with dockerode (the maintained Node client of the
 * API the docker CLI itself speaks): structured requests and responses instead of CLI text, secrets
 * in request bodies instead of command lines, and no dependency on a docker CLI binary (colima or a
 * remote daemon need only the socket). The task has the ECS agent's awsvpc shape (docker-api.ts) and
 * a task cgroup with the task limits (task-cgroup.ts).
 */
import { existsSync, readFileSync, readdirSync, createReadStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { LocalStepError } from '../errors';
import { pollUntil } from '../poll';
import type { HostFacts } from '../host/host-facts';
import { CONTAINER_LABEL_KEY, ROLE_LABEL_KEY } from '../labels';
import type { ContainerSpec, FieldReport, TaskSpec } from '../spec';
import type { BuildRequest, ContainerEngine, ContainerStatus, EngineInfo, Following, LogOptions, RunOnceRequest } from './container-engine';
import { dockerContainerBody, dockerPauseBody, pauseName } from './docker-api';
import { dockerodeOptions, resolveDockerEndpoint, type DockerEndpoint } from './docker-endpoint';
import { statusFromInspect } from './container-status';
import { lineSplitter } from './line-splitter';
import { applyScript, cleanupScript, taskCgroupLayout, type CgroupLayout } from './task-cgroup';

/** Every file under `dir`, relative to it: the build context (tar-fs packs exactly the entries listed). */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, p) : [p];
  });
}

/**
 * The IPv4 gateway of a Docker network: its IPAM Gateway, else the subnet's first host address, which
 * is what Docker gives the bridge when none is configured (the default bridge often lists no Gateway).
 */
export function bridgeGateway(config: { Subnet?: string; Gateway?: string }[]): string | undefined {
  const v4 = config.filter((c) => c.Subnet && !c.Subnet.includes(':'));
  const explicit = v4.find((c) => c.Gateway)?.Gateway;
  if (explicit) return explicit;
  const subnet = v4[0]?.Subnet;
  if (!subnet) return undefined;
  const [addr, bits] = subnet.split('/');
  const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const first = ((n & mask) >>> 0) + 1;
  return [24, 16, 8, 0].map((s) => (first >>> s) & 255).join('.');
}

const status = (e: unknown) => (e as { statusCode?: number }).statusCode;
/** The daemon's own message of a failed API call (dockerode puts the response body in `json`). */
const apiMessage = (e: unknown) => String((e as any)?.json?.message ?? (e as Error).message ?? e).trim();
/** The cgroup tree of the daemon's machine, as the cgroup helper container sees it. */
const CGROUP_MOUNT = '/host-cgroup';

export class DockerEngine implements ContainerEngine {
  /** Docker's daemon schedules health checks itself, exactly as on an ECS host. */
  readonly runsHealthChecks = true;

  /** Prefer `connect`; this is for a daemon whose facts are already known (tests). */
  constructor(
    readonly docker: Docker,
    readonly info: EngineInfo,
    private readonly labelKey: string,
  ) {}

  static endpoint(facts: Pick<HostFacts, 'platform'>): DockerEndpoint {
    return resolveDockerEndpoint({
      env: process.env,
      homeDir: os.homedir(),
      platform: facts.platform,
      readFile: (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined),
      exists: existsSync,
    });
  }

  /** A daemon that answers, or a LocalStepError saying why not (permission, not running ...). */
  static async connect(facts: HostFacts, labelKey: string, timeoutMs = 5000): Promise<DockerEngine> {
    const endpoint = DockerEngine.endpoint(facts);
    const docker = new Docker({ ...dockerodeOptions(endpoint), timeout: timeoutMs } as Docker.DockerOptions);
    let info: any;
    try {
      info = await docker.info();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const where = `${endpoint.host} (${endpoint.source})`;
      if (code === 'EACCES') {
        throw new LocalStepError(
          'container engine',
          `permission denied on ${where}: add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again)`,
        );
      }
      if (code === 'ENOENT' || code === 'ECONNREFUSED') throw new LocalStepError('container engine', `no Docker daemon answers on ${where}`);
      throw new LocalStepError('container engine', `Docker on ${where} does not answer: ${apiMessage(e)}`);
    }
    // A daemon in a VM (Docker Desktop, colima) or elsewhere runs the containers on another kernel.
    const remote = facts.platform !== 'linux' || /Docker Desktop/i.test(String(info.OperatingSystem)) || !endpoint.host.startsWith('unix://');
    return new DockerEngine(
      new Docker(dockerodeOptions(endpoint) as Docker.DockerOptions),
      {
        kind: 'docker',
        version: String(info.ServerVersion),
        rootless: (info.SecurityOptions ?? []).some((o: string) => o.includes('rootless')),
        cgroupVersion: String(info.CgroupVersion) === '2' ? 2 : 1,
        cgroupDriver: info.CgroupDriver === 'systemd' ? 'systemd' : 'cgroupfs',
        remote,
        endpoint: `${endpoint.host} (${endpoint.source})`,
      },
      labelKey,
    );
  }

  private layout(task: Pick<TaskSpec, 'name' | 'cpuUnits' | 'memoryMiB' | 'pidsLimit'>): CgroupLayout | undefined {
    if (this.limitsUnsupported) return undefined;
    return taskCgroupLayout(task.name, task, { version: this.info.cgroupVersion, driver: this.info.cgroupDriver });
  }

  /** Rootless Docker cannot write cgroups on v1 (and the helper would not be root on the host). */
  private get limitsUnsupported(): string | undefined {
    return this.info.rootless ? 'rootless Docker cannot create the task cgroup on this host; the containers keep their own limits only' : undefined;
  }

  fieldNotes(task: TaskSpec, containers: ContainerSpec[]): FieldReport[] {
    const notes: FieldReport[] = [];
    const layout = this.layout(task);
    const why = this.limitsUnsupported;
    for (const [key, set] of [
      ['task.Cpu', task.cpuUnits],
      ['task.Memory', task.memoryMiB],
      ['host.ECS_TASK_PIDS_LIMIT', task.pidsLimit],
    ] as const) {
      if (set === undefined) continue;
      notes.push(
        layout
          ? {
              path: key,
              outcome: 'honoured',
              detail: `task cgroup ${layout.parent} (CgroupParent of every container, as the ECS agent's task cgroup): ${layout.summary}`,
            }
          : { path: key, outcome: 'not-honoured', detail: why! },
      );
    }
    notes.push({
      path: 'task.NetworkMode',
      outcome: 'honoured',
      detail: `a pause container (${pauseName(task)}) owns the task's network namespace and every container joins it (--network container:...), as the ECS agent builds an awsvpc task`,
    });
    for (const c of containers) {
      const name = c.labels[CONTAINER_LABEL_KEY] ?? c.engineName;
      if (c.init)
        notes.push({
          path: `${name}.LinuxParameters.InitProcessEnabled`,
          outcome: 'honoured',
          detail: "--init (Docker's docker-init, tini, as PID 1, as on ECS)",
        });
      if (c.health)
        notes.push({
          path: `${name}.HealthCheck.schedule`,
          outcome: 'honoured',
          detail: "run by Docker's daemon on the definition's schedule, as on an ECS host",
        });
      if (c.hostname)
        notes.push({
          path: `${name}.Hostname`,
          outcome: 'not-honoured',
          detail: 'Docker refuses a hostname for a container that joins another network namespace (ECS refuses Hostname in awsvpc too)',
        });
      for (const s of c.secrets) {
        notes.push({
          path: `${name}.Secrets.${s.envName}`,
          outcome: 'deviation',
          detail:
            "value from .secure-ecs.secrets.json (never printed), sent in the API request's environment: in no command line, but `docker inspect` shows it, as on an ECS host where the agent sets it the same way",
        });
      }
    }
    return notes;
  }

  async loadBalancerAddress(): Promise<string> {
    // A port published on 127.0.0.1 is served by docker-proxy, which connects to the container from
    // the bridge network's gateway: that is the only peer nginx sees.
    const net = await this.docker.getNetwork('bridge').inspect();
    const gateway = bridgeGateway(net.IPAM?.Config ?? []);
    if (!gateway)
      throw new LocalStepError(
        'detect the network gateway',
        `Docker network "bridge" has no IPv4 gateway or subnet (${JSON.stringify(net.IPAM?.Config ?? [])})`,
      );
    return gateway;
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (e) {
      if (status(e) === 404) return false;
      throw e;
    }
  }

  async pullImage(ref: string, onLine: (line: string) => void): Promise<void> {
    try {
      const stream = await this.docker.pull(ref);
      await this.follow(stream as unknown as NodeJS.ReadableStream, onLine);
    } catch (e) {
      throw new LocalStepError(`pull ${ref}`, apiMessage(e));
    }
  }

  async buildImage(req: BuildRequest, onLine: (line: string) => void): Promise<void> {
    const tail: string[] = [];
    try {
      const stream = await this.docker.buildImage({ context: req.contextDir, src: filesUnder(req.contextDir) }, {
        t: req.tag,
        dockerfile: req.dockerfile,
        labels: req.labels,
        buildargs: req.buildArgs,
        ...(req.target ? { target: req.target } : {}),
        ...(req.platform ? { platform: req.platform } : {}),
        ...(req.networkMode ? { networkmode: req.networkMode } : {}),
        rm: true,
        forcerm: true,
      } as any);
      await this.follow(stream as unknown as NodeJS.ReadableStream, (raw) => {
        // The legacy builder colours stderr lines with terminal escapes (ESC [ ... m).
        // eslint-disable-next-line no-control-regex -- the escape character is what is matched
        const l = raw.replace(/\x1b\[[0-9;]*m/g, '');
        if (!l.trim()) return;
        tail.push(l);
        if (tail.length > 25) tail.shift();
        onLine(l);
      });
    } catch (e) {
      throw new LocalStepError(`build ${req.tag}`, `docker build failed: ${apiMessage(e)}`, tail);
    }
  }

  /** Follow a JSON progress stream (pull, build); an `error` entry rejects. */
  private follow(stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (e: any) => {
          if (e.error) return reject(new Error(e.errorDetail?.message ?? e.error));
          const text = String(e.stream ?? [e.status, e.progress].filter(Boolean).join(' ')).trimEnd();
          for (const l of text.split('\n')) if (l.trim()) onLine(l);
        },
      );
    });
  }

  async importImage(tarFile: string, ref: string): Promise<void> {
    const [repo, tag] = ref.includes(':') ? [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)] : [ref, 'latest'];
    try {
      const stream: NodeJS.ReadableStream = await (this.docker.importImage as any)(createReadStream(tarFile), {
        repo,
        tag,
        changes: 'CMD ["bash"]',
        message: 'debian minbase by secure-ecs local (mmdebstrap)',
      });
      await this.follow(stream, () => undefined);
    } catch (e) {
      throw new LocalStepError(`import ${ref}`, apiMessage(e));
    }
  }

  async imageConfig(ref: string): Promise<{ cmd: string[]; entrypoint: string[]; user: string } | undefined> {
    try {
      const cfg = (await this.docker.getImage(ref).inspect()).Config ?? ({} as any);
      return { cmd: cfg.Cmd ?? [], entrypoint: (cfg.Entrypoint as string[] | null) ?? [], user: cfg.User ?? '' };
    } catch {
      return undefined;
    }
  }

  async createTask(task: TaskSpec, containers: ContainerSpec[], secretValues: ReadonlyMap<string, string>, onLine: (line: string) => void): Promise<void> {
    const layout = this.layout(task);
    // The pause container runs the first container's image (built or pulled already): `sleep` is all
    // it needs, and no image has to come from a registry.
    const pauseImage = containers[0].image;
    onLine(`pause container ${pauseName(task)}`);
    const pause = await this.create(dockerPauseBody(task, pauseImage, layout));
    try {
      await pause.start();
    } catch (e) {
      throw new LocalStepError('start the pause container', apiMessage(e));
    }
    if (layout) {
      onLine(`task cgroup ${layout.parent}`);
      await this.cgroupHelper(task.name, pauseImage, applyScript(layout, CGROUP_MOUNT), 'set the task cgroup limits');
    }
    for (const c of containers) {
      onLine(`container ${c.engineName}`);
      await this.create(dockerContainerBody(c, task, layout, secretValues));
    }
  }

  private async create(body: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer(body);
    } catch (e) {
      // The daemon's message names the setting it refused; the request body (secrets) is not in it.
      throw new LocalStepError(`create ${body.name}`, `docker create failed: ${apiMessage(e)}`);
    }
  }

  /**
   * Run a script as root in a short-lived container that sees the daemon host's cgroup tree: the
   * only way to set a parent cgroup's limits that works for a `docker` group member and inside
   * Docker Desktop's or colima's VM. It has no network and no capabilities (cgroupfs checks only
   * file permissions, and the files belong to root).
   */
  private async cgroupHelper(taskName: string, image: string, script: string, step: string): Promise<string> {
    const r = await this.runOnce({
      image,
      user: '0:0',
      entrypoint: ['sh', '-c'],
      cmd: [script],
      labels: { [this.labelKey]: taskName, [ROLE_LABEL_KEY]: 'cgroup-setup' },
      binds: [`/sys/fs/cgroup:${CGROUP_MOUNT}:rw`],
      timeoutMs: 60_000,
    });
    if (r.code !== 0) throw new LocalStepError(step, `the cgroup helper exited with ${r.code}`, r.output.split('\n').filter(Boolean));
    return r.output;
  }

  async runOnce(req: RunOnceRequest): Promise<{ code: number; output: string }> {
    const c = await this.create({
      name: `secure-ecs-once-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`,
      Image: req.image,
      User: req.user,
      Entrypoint: req.entrypoint,
      Cmd: req.cmd,
      Env: Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: req.labels,
      Healthcheck: { Test: ['NONE'] },
      HostConfig: {
        Binds: req.binds,
        Tmpfs: Object.fromEntries((req.tmpfs ?? []).map((t) => [t, 'rw,noexec,nosuid,nodev,size=16m'])),
        NetworkMode: 'none',
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
      },
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await c.start();
      const timeout = new Promise<{ StatusCode: number }>((resolve) => {
        if (req.timeoutMs)
          timer = setTimeout(
            () =>
              void c
                .kill()
                .catch(() => undefined)
                .then(() => resolve({ StatusCode: 124 })),
            req.timeoutMs,
          );
      });
      const { StatusCode } = await Promise.race([c.wait(), timeout]);
      return { code: StatusCode, output: await this.collectLogs(c) };
    } finally {
      if (timer) clearTimeout(timer);
      await c.remove({ force: true }).catch(() => undefined);
    }
  }

  private async collectLogs(c: Docker.Container): Promise<string> {
    const buf = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    let out = '';
    await this.demux(buf, (chunk) => (out += chunk));
    return out;
  }

  /** Docker multiplexes stdout and stderr of a container without a TTY in 8-byte-header frames. */
  private demux(source: Buffer | NodeJS.ReadableStream, onChunk: (s: string) => void): Promise<void> {
    const sink = new PassThrough();
    sink.on('data', (d) => onChunk(d.toString()));
    if (Buffer.isBuffer(source)) {
      const input = new PassThrough();
      this.docker.modem.demuxStream(input, sink, sink);
      input.end(source);
      return new Promise((resolve) => input.on('end', () => setImmediate(resolve)).resume());
    }
    this.docker.modem.demuxStream(source, sink, sink);
    return new Promise((resolve) => {
      source.on('end', () => resolve());
      source.on('close', () => resolve());
      source.on('error', () => resolve());
    });
  }

  async taskExists(taskName: string): Promise<'absent' | 'ours' | 'foreign'> {
    try {
      const d = await this.docker.getContainer(pauseName({ name: taskName } as TaskSpec)).inspect();
      return d.Config.Labels?.[this.labelKey] === taskName ? 'ours' : 'foreign';
    } catch (e) {
      if (status(e) === 404) return (await this.listContainers(this.labelKey, taskName)).length ? 'ours' : 'absent';
      throw e;
    }
  }

  async removeTask(taskName: string): Promise<string[]> {
    const removed: string[] = [];
    const listed = await this.docker.listContainers({ all: true, filters: { label: [`${this.labelKey}=${taskName}`] } });
    const image = listed[0]?.Image;
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
    const layout = this.layout({ name: taskName });
    if (layout?.cleanup.length && image) {
      await this.cgroupHelper(taskName, image, cleanupScript(layout, CGROUP_MOUNT), 'remove the task cgroup').catch(() => undefined);
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

  async listContainers(labelKey: string, labelValue: string): Promise<string[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${labelKey}=${labelValue}`] } });
    return list.map((c) => c.Names[0]?.replace(/^\//, '')).filter(Boolean);
  }

  logs(name: string, opts: LogOptions, onLine: (line: string) => void): Following {
    const feed = lineSplitter(onLine);
    let stream: NodeJS.ReadableStream | undefined;
    let stopped = false;
    const since = opts.since ? (/^\d+(\.\d+)?$/.test(opts.since) ? Number(opts.since) : Date.parse(opts.since) / 1000) : undefined;
    const done = (async () => {
      try {
        const c = this.docker.getContainer(name);
        const base = { stdout: true, stderr: true, ...(since !== undefined ? { since } : {}), ...(opts.tail !== undefined ? { tail: opts.tail } : {}) };
        if (opts.follow) {
          stream = (await c.logs({ ...base, follow: true })) as unknown as NodeJS.ReadableStream;
          if (stopped) {
            (stream as any).destroy?.();
            return;
          }
          await this.demux(stream, feed.push);
        } else {
          await this.demux((await c.logs({ ...base, follow: false })) as unknown as Buffer, feed.push);
        }
      } catch (e) {
        if (!stopped) onLine(`(logs of ${name} unavailable: ${apiMessage(e)})`);
      } finally {
        feed.flush();
      }
    })();
    return {
      stop: () => {
        stopped = true;
        (stream as any)?.destroy?.();
      },
      done,
    };
  }

  async exec(name: string, cmd: string[], opts: { user?: string; timeoutMs?: number } = {}): Promise<{ code: number; output: string }> {
    const exec = await this.docker.getContainer(name).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, ...(opts.user ? { User: opts.user } : {}) });
    const stream = await exec.start({ hijack: true, stdin: false });
    let output = '';
    let timer: NodeJS.Timeout | undefined;
    const ended = this.demux(stream, (s) => (output += s));
    const timeout = opts.timeoutMs
      ? new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            output += `\n(timed out after ${opts.timeoutMs} ms)`;
            stream.destroy();
            resolve();
          }, opts.timeoutMs);
        })
      : new Promise<void>(() => undefined);
    await Promise.race([ended, timeout]);
    if (timer) clearTimeout(timer);
    const info = await exec.inspect();
    return { code: info.ExitCode ?? (info.Running ? 124 : 1), output };
  }
}
