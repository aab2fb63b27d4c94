/**
 * End-to-end: the task with break-glass ECS Exec on (`ecsExec.enabled`, lib/constructs/break-glass-exec.ts),
 * started by `secure-ecs local up`. It starts and serves as without it, and the tmpfs for ECS Exec's
 * SSM agent behaves as that file says: the agent's user, root (the ECS agent execs it as user "0":
 * aws/amazon-ecs-agent agent/engine/execcmd/manager_start_linux.go), with the container's
 * capabilities still dropped, can write it; the containers' own users cannot; the root stays
 * read-only; the images carry `script` and `cat`, which session logging needs. No SSM agent runs
 * here (it needs an AWS account), so the agent's writes are stood in for by a shell as its user.
 */
import { allow } from './time-allowance';
import { engine, newClient, request } from './helpers';
import { startTask, stopTask, synthWith, type TaskUnderTest } from './task-under-test';

const AGENT_DATA = '/var/lib/amazon/ssm';

describe('break-glass ECS Exec on', () => {
  const TASK = `secure-ecs-e2e-exec-${process.pid}`;
  let t: TaskUnderTest;

  beforeAll(async () => {
    t = await startTask(TASK, { assembly: await synthWith({ ecsExec: { enabled: true } }) });
  }, 25 * 60_000);
  afterAll(() => stopTask(TASK), 5 * 60_000);

  /** `sh -c script` in a task container, as `user` (the container's own when unset). */
  const run = async (container: string, script: string, user?: string) =>
    (await engine()).exec(t.ctr(container), ['sh', '-c', script], { user, timeoutMs: allow(60_000) });

  test('the task starts and serves as without it', async () => {
    expect((await request(t.port, '/', { client: newClient() })).status).toBe(200);
    for (const name of [t.appName, t.proxyName]) expect(t.defs[name].ReadonlyRootFilesystem).toBe(true);
  });

  test.each(['app', 'proxy'])("%s: the SSM agent's user writes its data directory, without a capability", async (which) => {
    const name = which === 'app' ? t.appName : t.proxyName;
    const r = await run(
      name,
      [
        'set -e',
        `mkdir -p ${AGENT_DATA}/ipc ${AGENT_DATA}/session/orchestration`,
        `echo transcript > ${AGENT_DATA}/session/orchestration/ipcTempFile.log`,
        `cat ${AGENT_DATA}/session/orchestration/ipcTempFile.log`,
        `stat -c '%U %a' ${AGENT_DATA}`,
        "grep '^CapEff' /proc/self/status",
      ].join('\n'),
      '0',
    );
    expect([r.code, r.output]).toEqual([0, expect.stringContaining('transcript')]);
    // root's alone (mode=0700: without it Docker mounts the tmpfs 1777); no capability in effect.
    expect(r.output).toContain('root 700');
    expect(r.output).toMatch(/CapEff:\s+0000000000000000/);
  });

  test.each(['app', 'proxy'])("%s: the container's own user cannot write there, and nobody can write the root", async (which) => {
    const name = which === 'app' ? t.appName : t.proxyName;
    const own = await run(name, `ls ${AGENT_DATA} || touch ${AGENT_DATA}/planted`);
    expect(own.code).not.toBe(0);
    expect(own.output).toMatch(/Permission denied/);
    const root = await run(name, 'touch /etc/planted', '0');
    expect(root.code).not.toBe(0);
    expect(root.output).toMatch(/Read-only file system/);
  });

  test.each(['app', 'proxy'])('%s: the image has script and cat, so the session is recorded to the log group', async (which) => {
    const r = await run(which === 'app' ? t.appName : t.proxyName, 'command -v script && command -v cat');
    expect([r.code, r.output.trim().split('\n')]).toEqual([0, [expect.stringMatching(/\/script$/), expect.stringMatching(/\/cat$/)]]);
  });
});
