/**
 * The podman engine against a scripted podman CLI (the seam it talks through): the stop race of
 * podman 4.3 and the inspect documents it reads.
 */
import { Podman, type RunOptions, type RunResult } from '../../lib/local/engines/podman/cli';
import { PodmanEngine } from '../../lib/local/engines/podman/engine';
import { statusFromInspect } from '../../lib/local/engines/container-status';
import { isOomKillOf, parseKmsg } from '../../lib/local/engines/podman/kernel-oom-log';

const INFO = { kind: 'podman', version: 'fake', rootless: false, cgroupVersion: 1, cgroupDriver: 'cgroupfs', remote: false, endpoint: 'fake' } as const;

/** A podman whose `stop` fails with 4.3's cleanup race, and whose container is then restarted by someone else. */
class RacingPodman extends Podman {
  startedAt = '2026-12-01T10:00:00Z';
  status = 'running';
  constructor() {
    super({});
  }
  override async run(args: string[], _opts?: RunOptions): Promise<RunResult> {
    if (args[0] === 'stop') {
      // The stop happened, and the runner's restart policy started a new run right away.
      this.startedAt = '2026-12-01T10:00:05Z';
      return { code: 125, stdout: '', stderr: 'Error: refusing to clean up: container state improper' };
    }
    if (args[0] === 'container' && args[1] === 'inspect') {
      return { code: 0, stdout: JSON.stringify([{ Name: args[2], State: { Status: this.status, StartedAt: this.startedAt, ExitCode: 0 } }]), stderr: '' };
    }
    return { code: 0, stdout: '', stderr: '' };
  }
}

test("podman 4.3's stop race: the stop waits for the run it stopped, not for a run started since", async () => {
  const engine = new PodmanEngine(new RacingPodman(), INFO, 'l');
  const began = Date.now();
  await engine.stopContainer('t-proxy', 1);
  // Before the fix this waited for the restarted run to stop and failed after timeout + 5 s.
  expect(Date.now() - began).toBeLessThan(1000);
});

test("another stop failure is reported with podman's message", async () => {
  const podman = new RacingPodman();
  podman.run = async (args) =>
    args[0] === 'stop' ? { code: 125, stdout: '', stderr: 'Error: no space left on device' } : RacingPodman.prototype.run.call(podman, args);
  await expect(new PodmanEngine(podman, INFO, 'l').stopContainer('t-proxy', 1)).rejects.toThrow(/podman stop failed: Error: no space left on device/);
});

test("inspect documents: Docker's Health and podman's Healthcheck, zero times as absent", () => {
  const docker = statusFromInspect(
    {
      State: {
        Status: 'running',
        ExitCode: 0,
        OOMKilled: false,
        StartedAt: '2026-12-01T10:00:00Z',
        FinishedAt: '0001-01-01T00:00:00Z',
        Health: { Status: 'healthy', Log: [{ Output: 'ok\n' }] },
      },
    },
    'img',
  );
  expect(docker).toEqual({
    status: 'running',
    exitCode: 0,
    oomKilled: false,
    startedAt: Date.parse('2026-12-01T10:00:00Z'),
    finishedAt: undefined,
    health: 'healthy',
    healthOutput: 'ok',
    image: 'img',
  });
  const podman = statusFromInspect({ State: { Status: 'exited', ExitCode: 137, OOMKilled: true, Healthcheck: { Status: 'unhealthy', Log: [] } } }, undefined);
  expect(podman).toMatchObject({ status: 'exited', exitCode: 137, oomKilled: true, health: 'unhealthy', healthOutput: undefined });
});

describe('OOM kills podman misses, from the kernel log (rootful podman)', () => {
  const ID = 'a9f88e3d7cb7248dc8e7807d949fd86bf837567672cd4b8f081b43a191046ec3';
  // The records as this machine's kernel wrote them for a container over its memory limit.
  const oomRecord = (seq: number, id = ID) =>
    `6,${seq},9621248703,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=libpod-${id},mems_allowed=0,oom_memcg=/libpod_parent/pod1/libpod-${id},task_memcg=/libpod_parent/pod1/libpod-${id},task=php-fpm8.4,pid=25671,uid=33\n`;
  const killedRecord = (seq: number) => `3,${seq},9621248720,-;Memory cgroup out of memory: Killed process 25671 (php-fpm8.4) total-vm:154792kB\n`;

  test('records parse with their sequence numbers; only oom-kill records of that container count', () => {
    const log = parseKmsg([oomRecord(10), killedRecord(11), oomRecord(12, 'b'.repeat(64))]);
    expect(log.map((r) => r.seq)).toEqual([10, 11, 12]);
    expect(log.map((r) => isOomKillOf(r, ID))).toEqual([true, false, false]);
    expect(isOomKillOf({ seq: 1, message: `oom-kill:x=1,oom_memcg=/machine.slice/libpod-${ID}.scope,task=php` }, ID)).toBe(true);
  });

  /** A podman whose container runs, then exits 137 with OOMKilled false, as podman 4.3 on cgroup v1 reports it. */
  class ExitingPodman extends Podman {
    running = true;
    constructor() {
      super({});
    }
    override async run(args: string[]): Promise<RunResult> {
      const State = {
        Status: this.running ? 'running' : 'exited',
        Running: this.running,
        ExitCode: this.running ? 0 : 137,
        OOMKilled: false,
        StartedAt: '2026-12-01T10:00:00Z',
      };
      return { code: 0, stdout: JSON.stringify([{ Id: ID, Name: args[2], State }]), stderr: '' };
    }
  }

  test('a kill logged after the run was first seen marks the exit OOMKilled; one logged before does not; rootless never reads the log', async () => {
    for (const [before, after, expected] of [
      [[oomRecord(5)], [oomRecord(5), killedRecord(6), oomRecord(7)], true],
      [[oomRecord(5)], [oomRecord(5), killedRecord(6)], false],
    ] as const) {
      let log: string[] = [...before];
      let logReads = 0;
      const podman = new ExitingPodman();
      const engine = new PodmanEngine(podman, INFO, 'l', () => (logReads++, parseKmsg(log)));
      expect((await engine.inspectContainers(['t-app'])).get('t-app')?.oomKilled).toBe(false);
      log = [...after];
      podman.running = false;
      expect((await engine.inspectContainers(['t-app'])).get('t-app')?.oomKilled).toBe(expected);
      // The runner inspects a stopped container every second: the verdict is kept, the log read once per run end.
      expect((await engine.inspectContainers(['t-app'])).get('t-app')?.oomKilled).toBe(expected);
      expect(logReads).toBe(2);
    }
    const reads: number[] = [];
    const rootless = new PodmanEngine(new ExitingPodman(), { ...INFO, rootless: true }, 'l', () => (reads.push(1), []));
    await rootless.inspectContainers(['t-app']);
    expect(reads).toEqual([]);
  });
});

/** A podman 4.3 with two secrets of task `t` and one of another task: `secret ls --format json` prints "json" per secret, as 4.3 does. */
class SecretsPodman extends Podman {
  readonly secrets = new Map([
    ['t-db-password', 't'],
    ['t-db-user', 't'],
    ['other-key', 'other'],
  ]);
  readonly removed: string[] = [];
  constructor() {
    super({});
  }
  override async run(args: string[]): Promise<RunResult> {
    const [cmd, sub, ...rest] = args;
    if (cmd === 'secret' && sub === 'ls') {
      const names = [...this.secrets.keys()];
      return { code: 0, stdout: rest.includes('json') ? names.map(() => 'json').join('\n') : names.join('\n'), stderr: '' };
    }
    if (cmd === 'secret' && sub === 'inspect') {
      const missing = rest.filter((n) => !this.secrets.has(n));
      if (missing.length) return { code: 125, stdout: '', stderr: `Error: no such secret ${missing[0]}` };
      return { code: 0, stdout: JSON.stringify(rest.map((n) => ({ Spec: { Name: n, Labels: { l: this.secrets.get(n) } } }))), stderr: '' };
    }
    if (cmd === 'secret' && sub === 'rm') {
      this.removed.push(rest[0]);
      this.secrets.delete(rest[0]);
      return { code: 0, stdout: '', stderr: '' };
    }
    // No pod and no containers.
    return { code: cmd === 'pod' ? 1 : 0, stdout: '', stderr: '' };
  }
}

test('removing a task removes exactly its secrets, on podman 4.3\'s `secret ls` (JSON.parse of its "json" lines threw before)', async () => {
  const podman = new SecretsPodman();
  const removed = await new PodmanEngine(podman, INFO, 'l').removeTask('t');
  expect(podman.removed).toEqual(['t-db-password', 't-db-user']);
  expect(removed).toEqual(['secret t-db-password', 'secret t-db-user']);
});

test('a secret removed between the listing and the inspection: the others are still found', async () => {
  const podman = new SecretsPodman();
  const inner = podman.run.bind(podman);
  podman.run = async (args) => {
    const r = await inner(args);
    // Another runner removes other-key right after the listing.
    if (args[0] === 'secret' && args[1] === 'ls') podman.secrets.delete('other-key');
    return r;
  };
  await new PodmanEngine(podman, INFO, 'l').removeTask('t');
  expect(podman.removed).toEqual(['t-db-password', 't-db-user']);
});

/** A podman holding volumes, whose `volume ls` ORs repeated label filters as podman 4.3 does. */
class VolumePodman extends Podman {
  readonly removed: string[] = [];
  constructor(private readonly volumes: { Name: string; Labels: Record<string, string> }[]) {
    super({});
  }
  override async run(args: string[], _opts?: RunOptions): Promise<RunResult> {
    if (args[0] === 'volume' && args[1] === 'ls') {
      const filters = args.flatMap((a, i) => (args[i - 1] === '--filter' ? [a.replace(/^label=/, '')] : []));
      const listed = this.volumes.filter((v) => filters.some((f) => v.Labels[f.split('=')[0]] === f.split('=')[1]));
      return { code: 0, stdout: JSON.stringify(listed), stderr: '' };
    }
    if (args[0] === 'volume' && args[1] === 'rm') this.removed.push(args[2]);
    return { code: 0, stdout: '', stderr: '' };
  }
}

test("removing a task removes its task-scoped volumes only: not its kept ones, not another task's", async () => {
  const podman = new VolumePodman([
    { Name: 't-task-fcgi-socket', Labels: { l: 't', 'secure-ecs.volume-scope': 'task' } },
    { Name: 't-efs-uploads', Labels: { l: 't' } },
    { Name: 'other-task-fcgi-socket', Labels: { l: 'other', 'secure-ecs.volume-scope': 'task' } },
  ]);
  await new PodmanEngine(podman, INFO, 'l').removeTask('t');
  expect(podman.removed).toEqual(['t-task-fcgi-socket']);
  await new PodmanEngine(podman, INFO, 'l').removeVolumes('t');
  expect(podman.removed).toEqual(['t-task-fcgi-socket', 't-task-fcgi-socket', 't-efs-uploads']);
});
