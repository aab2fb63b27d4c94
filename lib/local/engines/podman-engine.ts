/**
 * The podman engine: the task is a pod (podman's own awsvpc shape: the infra container holds the
 * network namespace, the pod cgroup the task limits). Podman is driven through its CLI with JSON
 * output, not its REST API: podman is daemonless, and its API exists only while `podman system
 * service` runs, a daemon users of podman do not have; `--format json` is the CLI's stable,
 * machine-readable interface (https://docs.podman.io/en/v4.3/markdown/podman-inspect.1.html).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { LocalStepError } from '../errors';
import { pollUntil } from '../poll';
import { CONTAINER_LABEL_KEY } from '../labels';
import { freePort } from '../host/free-port';
import type { HostFacts } from '../host/host-facts';
import type { FieldReport } from '../spec';
import type { ContainerSpec, TaskSpec } from '../spec';
import type { BuildRequest, ContainerEngine, ContainerStatus, EngineInfo, Following, LogOptions, RunOnceRequest } from './container-engine';
import { Podman } from './podman-cli';
import { podmanEnv } from './podman-conf';
import { healthCmdArg, podmanCreateArgs, podmanPodArgs } from './podman-args';
import { statusFromInspect } from './container-status';
import { lineSplitter } from './line-splitter';
import { isOomKillOf, readKernelLog, type KernelRecord } from './kernel-oom-log';

/** Connect to 127.0.0.1:port and return what the peer writes before it closes. */
function readOnce(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let data = '';
    sock.setTimeout(3000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (d) => (data += d));
    sock.on('error', reject);
    sock.on('close', () => resolve(data));
  });
}

export class PodmanEngine implements ContainerEngine {
  readonly runsHealthChecks = false;

  /** Prefer `connect`; this is for a podman whose facts are already known (tests drive a fake CLI here). */
  constructor(
    readonly podman: Podman,
    readonly info: EngineInfo,
    private readonly labelKey: string,
    /** The kernel's log, where OOM kills podman misses are read from (rootful podman only). */
    private readonly kernelLog: () => KernelRecord[] | undefined = readKernelLog,
  ) {}

  /** Per container id: the run being watched for OOM kills, and the kernel log's last record when it was first seen. */
  private readonly oomWatch = new Map<string, { startedAt: string; afterSeq: number; killed?: boolean }>();

  /** A working podman with the runner's containers.conf, or a LocalStepError saying why not. */
  static async connect(facts: HostFacts, labelKey: string): Promise<PodmanEngine> {
    const podman = new Podman(podmanEnv(facts));
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
        remote: Boolean(host.serviceIsRemote),
        endpoint: 'podman (CLI)',
      },
      labelKey,
    );
  }

  /** Rootless podman on cgroup v1 cannot set any resource limit (podman ignores them with a warning). */
  private get limitsUnsupported(): string | undefined {
    return this.info.rootless && this.info.cgroupVersion === 1
      ? 'rootless podman on cgroup v1 cannot set resource limits (podman ignores them): run Docker or rootful podman, or boot with cgroup v2'
      : undefined;
  }

  /**
   * podman pods have no PIDs limit option (podman 4 `pod create` has --cpus and --memory only), so the
   * runner writes pids.max of the pod cgroup itself, which it can only as root on this machine.
   */
  private get podPidsUnsupported(): string | undefined {
    if (this.info.remote) return 'podman runs in another machine (podman machine): the runner cannot write its pod cgroup, so the task has no PIDs limit';
    if (this.info.rootless) return 'podman pods have no PIDs limit option and rootless podman cannot write the pod cgroup: the task has no PIDs limit';
    return undefined;
  }

  fieldNotes(task: TaskSpec, containers: ContainerSpec[]): FieldReport[] {
    const notes: FieldReport[] = [];
    const why = this.limitsUnsupported;
    if (task.pidsLimit !== undefined) {
      const pidsWhy = this.podPidsUnsupported;
      notes.push(
        pidsWhy
          ? { path: 'host.ECS_TASK_PIDS_LIMIT', outcome: 'not-honoured', detail: pidsWhy }
          : {
              path: 'host.ECS_TASK_PIDS_LIMIT',
              outcome: 'honoured',
              detail: `pids.max ${task.pidsLimit} written on the pod cgroup (every process of the pod counts)`,
            },
      );
    }
    if (why) {
      if (task.cpuUnits !== undefined) notes.push({ path: 'task.Cpu', outcome: 'not-honoured', detail: `no CPU cap: ${why}` });
      if (task.memoryMiB !== undefined) notes.push({ path: 'task.Memory', outcome: 'not-honoured', detail: `no task memory limit: ${why}` });
    } else {
      if (task.cpuUnits !== undefined)
        notes.push({ path: 'task.Cpu', outcome: 'honoured', detail: `pod --cpus ${task.cpuUnits / 1024} (CFS quota on the pod cgroup, a hard cap)` });
      if (task.memoryMiB !== undefined)
        notes.push({
          path: 'task.Memory',
          outcome: 'honoured',
          detail: `pod --memory ${task.memoryMiB}m (memory limit of the pod cgroup, above the containers')`,
        });
    }
    for (const c of containers) {
      const name = c.labels[CONTAINER_LABEL_KEY] ?? c.engineName;
      if (why) {
        if (c.memoryMiB !== undefined) notes.push({ path: `${name}.Memory`, outcome: 'not-honoured', detail: `no memory limit: ${why}` });
        notes.push({ path: `${name}.Cpu`, outcome: 'not-honoured', detail: `no CPU shares: ${why}` });
        if (c.memoryReservationMiB !== undefined) notes.push({ path: `${name}.MemoryReservation`, outcome: 'not-honoured', detail: why });
      }
      if (c.health) {
        notes.push({
          path: `${name}.HealthCheck.schedule`,
          outcome: 'deviation',
          detail:
            "probed by this runner (`podman healthcheck run`; podman's own timers need systemd), every Interval from the start, StartPeriod included, as Docker 25 on the ECS-optimized AMI probes",
        });
        const cmd = healthCmdArg(c.health.test);
        if (!cmd.exact)
          notes.push({ path: `${name}.HealthCheck.Command`, outcome: 'deviation', detail: `a single argument with blanks runs through /bin/sh (${cmd.arg})` });
      }
      for (const s of c.secrets)
        notes.push({
          path: `${name}.Secrets.${s.envName}`,
          outcome: 'deviation',
          detail: 'value from .secure-ecs.secrets.json (never printed), as a podman secret of type env: in no command line and not in `podman inspect`',
        });
    }
    return notes;
  }

  async loadBalancerAddress(image: string): Promise<string> {
    if (this.info.rootless) return this.probePeer(image);
    const nets = JSON.parse(await this.podman.ok('detect the pod network gateway', ['network', 'inspect', 'podman'])) as any[];
    const gateway = (nets[0]?.subnets ?? []).map((s: any) => s.gateway).find((g: unknown) => typeof g === 'string' && !g.includes(':'));
    if (!gateway) throw new LocalStepError('detect the pod network gateway', 'podman network "podman" has no IPv4 gateway');
    return gateway;
  }

  /**
   * Rootless pods use slirp4netns, whose port handler delivers the host's connections from an address
   * inside the pod's own network (10.0.2.100 with slirp4netns's default CIDR, but configurable), so it
   * is measured rather than assumed: a throwaway pod publishes a port, a container in it accepts one
   * connection and prints the peer's address (Perl's IO::Socket, part of every Debian image's
   * perl-base).
   */
  private async probePeer(image: string): Promise<string> {
    const name = `secure-ecs-peer-probe-${process.pid}`;
    const port = await freePort();
    const inner = 18099;
    const script = `my $s = IO::Socket::INET->new(LocalPort => ${inner}, Listen => 1, ReuseAddr => 1) or die "listen: $!"; my $c = $s->accept; print $c "peer=" . $c->peerhost . "\\n"; close $c;`;
    await this.podman.run(['pod', 'rm', '--force', name]);
    await this.podman.ok('detect the load balancer stand-in', [
      'pod',
      'create',
      '--name',
      name,
      '--label',
      `${this.labelKey}=${name}`,
      '--publish',
      `127.0.0.1:${port}:${inner}`,
    ]);
    try {
      await this.podman.ok('detect the load balancer stand-in', [
        'run',
        '--detach',
        '--pod',
        name,
        '--name',
        `${name}-listener`,
        '--label',
        `${this.labelKey}=${name}`,
        '--user',
        '65534:65534',
        '--cap-drop',
        'ALL',
        '--pull',
        'never',
        '--entrypoint',
        'perl',
        image,
        '-MIO::Socket::INET',
        '-e',
        script,
      ]);
      const peer = await pollUntil(async () => /peer=(\S+)/.exec(await readOnce(port).catch(() => ''))?.[1], { everyMs: 200, deadlineMs: 15_000 });
      if (peer) return peer;
      throw new LocalStepError(
        'detect the load balancer stand-in',
        `no answer from a listener in a rootless pod on 127.0.0.1:${port} (the image ${image} needs perl)`,
      );
    } finally {
      await this.podman.run(['pod', 'rm', '--force', name]);
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    return (await this.podman.run(['image', 'exists', ref])).code === 0;
  }

  async pullImage(ref: string, onLine: (line: string) => void): Promise<void> {
    const r = await this.podman.stream(['pull', ref], onLine, { timeoutMs: 10 * 60_000 });
    if (r.code !== 0)
      throw new LocalStepError(`pull ${ref}`, r.tail.filter((l) => /error/i.test(l)).pop() ?? `podman pull exited with ${r.code}`, r.tail.slice(-5));
  }

  async buildImage(req: BuildRequest, onLine: (line: string) => void): Promise<void> {
    const args = [
      'build',
      // podman drops HEALTHCHECK from OCI-format images; the docker format keeps the image config as
      // `docker build` (what `cdk deploy` runs) writes it.
      '--format',
      'docker',
      '--tag',
      req.tag,
      ...Object.entries(req.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      '--file',
      `${req.contextDir}/${req.dockerfile}`,
      ...(req.platform ? ['--platform', req.platform] : []),
      ...(req.target ? ['--target', req.target] : []),
      ...(req.networkMode ? ['--network', req.networkMode] : []),
      ...Object.entries(req.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      req.contextDir,
    ];
    const r = await this.podman.stream(args, onLine);
    if (r.code !== 0) throw new LocalStepError(`build ${req.tag}`, `podman build exited with ${r.code}`, r.tail.slice(-25));
  }

  async importImage(tarFile: string, ref: string): Promise<void> {
    // The official Debian image's only config is CMD ["bash"].
    await this.podman.ok(`import ${ref}`, ['import', '--change', 'CMD ["bash"]', '--message', 'debian minbase by secure-ecs local (mmdebstrap)', tarFile, ref]);
  }

  async imageConfig(ref: string): Promise<{ cmd: string[]; entrypoint: string[]; user: string } | undefined> {
    const r = await this.podman.run(['image', 'inspect', ref]);
    if (r.code !== 0) return undefined;
    const cfg = JSON.parse(r.stdout)[0]?.Config ?? {};
    return { cmd: cfg.Cmd ?? [], entrypoint: cfg.Entrypoint ?? [], user: cfg.User ?? '' };
  }

  async createTask(task: TaskSpec, containers: ContainerSpec[], secretValues: ReadonlyMap<string, string>, onLine: (line: string) => void): Promise<void> {
    for (const [name, value] of secretValues) {
      onLine(`secret ${name}`);
      await this.podman.ok('create secrets', ['secret', 'create', '--label', `${this.labelKey}=${task.name}`, name, '-'], { input: value });
    }
    onLine('pod');
    await this.podman.ok('create pod', ['pod', 'create', ...podmanPodArgs(task, { limits: !this.limitsUnsupported })]);
    if (task.pidsLimit !== undefined && !this.podPidsUnsupported) await this.writePodPidsLimit(task.name, task.pidsLimit);
    for (const c of containers) {
      onLine(`container ${c.engineName}`);
      await this.podman.ok(`create ${c.engineName}`, ['create', ...podmanCreateArgs(c, task.name)]);
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
    const ls = await this.podman.run(['secret', 'ls', '--format', 'json']);
    if (ls.code === 0) {
      for (const s of JSON.parse(ls.stdout || '[]') as any[]) {
        if (s.Spec?.Labels?.[this.labelKey] === taskName && (await this.podman.run(['secret', 'rm', s.Spec.Name])).code === 0)
          removed.push(`secret ${s.Spec.Name}`);
      }
    }
    return removed;
  }

  /** pids.max of the pod cgroup, which podman creates with the pod (cgroupfs and systemd alike). */
  private async writePodPidsLimit(taskName: string, limit: number): Promise<void> {
    const cg = await this.taskCgroup(taskName);
    const file =
      this.info.cgroupVersion === 2 ? path.join('/sys/fs/cgroup', cg?.v2 ?? '', 'pids.max') : path.join('/sys/fs/cgroup/pids', cg?.v1.pids ?? '', 'pids.max');
    try {
      if (!cg?.v1.pids) throw new Error('podman reported no cgroup path for the pod');
      writeFileSync(file, String(limit));
    } catch (e) {
      throw new LocalStepError('set the task PIDs limit', `could not write ${limit} to ${file}: ${(e as Error).message}`);
    }
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
      out.set(n, this.withKernelOom(d, status));
    }
    return out;
  }

  /**
   * podman's OOMKilled, or the kernel log's word for it (kernel-oom-log.ts): a run counts as OOM-killed
   * when the kernel logged an OOM kill in the container's memory cgroup after the runner first saw the
   * run (within the runner's one-second inspect interval of its start), as Docker's OOMKilled counts
   * any OOM kill in the container's cgroup during the run.
   */
  private withKernelOom(doc: any, status: ContainerStatus): ContainerStatus {
    if (status.oomKilled || this.info.rootless || this.info.remote) return status;
    const id = String(doc.Id ?? '');
    const startedAt = String(doc.State?.StartedAt ?? '');
    const watch = this.oomWatch.get(id);
    if (doc.State?.Running) {
      if (watch?.startedAt !== startedAt) {
        const log = this.kernelLog();
        if (log) this.oomWatch.set(id, { startedAt, afterSeq: log.length ? log[log.length - 1].seq : -1 });
      }
      return status;
    }
    if (!watch || watch.startedAt !== startedAt) return status;
    // The kernel log is read once per ended run: the runner inspects a stopped container every second.
    watch.killed ??= (this.kernelLog() ?? []).some((r) => r.seq > watch.afterSeq && isOomKillOf(r, id));
    return watch.killed ? { ...status, oomKilled: true } : status;
  }

  async inspectRaw(name: string): Promise<any | undefined> {
    const r = await this.podman.run(['container', 'inspect', name]);
    return r.code === 0 ? JSON.parse(r.stdout)[0] : undefined;
  }

  async runHealthCheck(name: string, timeoutMs: number): Promise<void> {
    // podman applies the definition's timeout, retries and start period and records the result.
    await this.podman.run(['healthcheck', 'run', name], { timeoutMs });
  }

  async listContainers(labelKey: string, labelValue: string): Promise<string[]> {
    const r = await this.podman.run(['ps', '--all', '--filter', `label=${labelKey}=${labelValue}`, '--format', '{{.Names}}']);
    return r.stdout.split('\n').filter(Boolean);
  }

  logs(name: string, opts: LogOptions, onLine: (line: string) => void): Following {
    const args = [
      'logs',
      ...(opts.follow ? ['--follow'] : []),
      ...(opts.since ? ['--since', opts.since] : []),
      ...(opts.tail !== undefined ? ['--tail', String(opts.tail)] : []),
      name,
    ];
    if (!opts.follow) {
      const done = this.podman.run(args).then((r) => {
        for (const l of `${r.stdout}${r.stdout && r.stderr ? '\n' : ''}${r.stderr}`.split('\n')) if (l) onLine(l);
      });
      return { stop: () => undefined, done };
    }
    const child = spawn(this.podman.bin, args, { env: this.podman.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const feed = lineSplitter(onLine);
    child.stdout.on('data', feed.push);
    child.stderr.on('data', feed.push);
    const done = new Promise<void>((resolve) => child.on('close', () => (feed.flush(), resolve())));
    return { stop: () => child.kill(), done };
  }

  async exec(name: string, cmd: string[], opts: { user?: string; timeoutMs?: number } = {}): Promise<{ code: number; output: string }> {
    const r = await this.podman.run(['exec', ...(opts.user ? ['--user', opts.user] : []), name, ...cmd], { timeoutMs: opts.timeoutMs });
    return { code: r.code, output: `${r.stdout}${r.stderr}` };
  }

  async runOnce(req: RunOnceRequest): Promise<{ code: number; output: string }> {
    const args = [
      'run',
      '--rm',
      '--network',
      'none',
      '--read-only',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--pull',
      'never',
      ...Object.entries(req.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ...(req.user ? ['--user', req.user] : []),
      ...Object.entries(req.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      ...(req.binds ?? []).flatMap((b) => ['--volume', b]),
      ...(req.tmpfs ?? []).flatMap((t) => ['--tmpfs', `${t}:rw,noexec,nosuid,nodev,size=16m`]),
      ...(req.entrypoint ? ['--entrypoint', JSON.stringify(req.entrypoint)] : []),
      req.image,
      ...req.cmd,
    ];
    const r = await this.podman.run(args, { timeoutMs: req.timeoutMs });
    return { code: r.code, output: `${r.stdout}${r.stderr}` };
  }
}
