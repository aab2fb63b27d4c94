/**
 * The podman engine against a scripted podman CLI (the seam it talks through): the stop race of
 * podman 4.3 and the inspect documents it reads.
 */
import { Podman, type RunOptions, type RunResult } from '../../lib/local/engines/podman-cli';
import { PodmanEngine } from '../../lib/local/engines/podman-engine';
import { statusFromInspect } from '../../lib/local/engines/container-status';

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
