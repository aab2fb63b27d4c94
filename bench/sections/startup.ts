/**
 * Start-up and recovery as a developer and an ECS host see them:
 * - startup: a cached `secure-ecs local up --detach` (the project's CLI, the images already built),
 *   timed to the first 200 through the proxy (polling the published port) and to its exit, which
 *   `--detach` reaches once every container is HEALTHY;
 * - crashRecovery: on the last of those tasks, the app's main process killed (SIGKILL to the php-fpm
 *   master, as test/e2e/local-task.e2e.ts does) once the app has run for its RestartAttemptPeriod,
 *   timed until the proxy serves 200 again and until the app is HEALTHY again (`local status --json`);
 * - ecsHealth: the template's health checks under Docker 25's probe schedule (ecs-health.ts).
 */
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchProject, buildCliBundle, cli, ROOT } from '../cli';
import type { BenchContext } from '../context';
import { ecsSecondsToHealthy } from '../ecs-health';
import { httpStatus } from '../http-status';
import { pollUntil } from '../../lib/local/poll';
import type { Results } from '../results';

/** Kill the php-fpm master by its command line; say so first (the exec ends with the container). */
const KILL_MAIN =
  'for p in /proc/[0-9]*; do case "$(tr "\\0" " " < $p/cmdline)" in "php-fpm: master"*) echo "killing ${p#/proc/}"; kill -9 "${p#/proc/}";; esac; done';

export function ecsHealth(ctx: BenchContext): NonNullable<Results['ecsHealth']> {
  const e = ecsSecondsToHealthy(ctx.task.prepared.plan.containers);
  return { ...e, dependsOn: e.dependsOn.join('; ') };
}

/** Poll the port until it answers 200; resolves with the time it did, or throws at the deadline. */
async function firstOk(port: number, deadline: number, what: string): Promise<number> {
  const at = await pollUntil(async () => ((await httpStatus(port, '/', 1000)) === 200 ? Date.now() : undefined), {
    everyMs: 100,
    deadlineMs: deadline - Date.now(),
  });
  if (at === undefined) throw new Error(`${what}: no 200 on 127.0.0.1:${port} before the deadline`);
  return at;
}

export async function startupAndRecovery(ctx: BenchContext, assemblyDir: string, results: Results): Promise<void> {
  const bundle = path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-bench', 'secure-ecs.js');
  await buildCliBundle(bundle);
  const project = benchProject(path.join(ctx.work, 'project'), assemblyDir);
  const kind = ctx.engine.info.kind;
  const name = `bench-start-${process.pid}`;
  const runs: NonNullable<Results['startup']>['runs'] = [];
  let command = '';
  for (let i = 1; i <= ctx.config.startupRuns; i++) {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const args = ['local', 'up', '--detach', '--engine', kind, '--port', String(port), '--name', name, '--project', project];
    command = `secure-ecs ${args.join(' ').replace(project, '<bench project>').replace(String(port), '<port>')}`;
    const last = i === ctx.config.startupRuns;
    try {
      await ctx.reporter.step(`cached local up --detach on ${kind} (${i}/${ctx.config.startupRuns})`, async (s) => {
        const began = Date.now();
        const serving = firstOk(port, began + 5 * 60_000, 'local up');
        const up = await cli(bundle, args, {}, 5 * 60_000, (l) => s.update(l));
        if (up.code !== 0) throw new Error(`local up exited with ${up.code}:\n${up.output.split('\n').slice(-15).join('\n')}`);
        const run = { servingMs: (await serving) - began, healthyMs: up.ms };
        runs.push(run);
        s.done(`serving after ${(run.servingMs / 1000).toFixed(1)} s, HEALTHY after ${(run.healthyMs / 1000).toFixed(1)} s`);
      });
      if (last) results.crashRecovery = await crashRecovery(ctx, { bundle, project, name, port });
    } finally {
      const down = await cli(bundle, ['local', 'down', '--name', name, '--project', project], {}, 5 * 60_000);
      if (down.code !== 0) ctx.reporter.warn(`local down exited with ${down.code}:\n${down.output.split('\n').slice(-10).join('\n')}`);
    }
  }
  results.startup = { runs, command };
}

async function crashRecovery(
  ctx: BenchContext,
  o: { bundle: string; project: string; name: string; port: number },
): Promise<NonNullable<Results['crashRecovery']>> {
  const app = ctx.task.app;
  const engineName = `${o.name}-${app}`;
  const planned = ctx.task.prepared.plan.containers.find((c) => c.name === app);
  const attemptS = planned?.restart?.attemptPeriodS;
  if (attemptS === undefined) throw new Error(`crash recovery: ${app} has no restart policy, so a crash stops the task`);
  // ECS restarts only a container that ran for RestartAttemptPeriod (as the runner does): wait until the app has.
  const startedAt = Date.parse((await ctx.engine.inspectRaw(engineName))?.State?.StartedAt ?? '');
  const waitMs = startedAt + attemptS * 1000 + 2000 - Date.now();
  if (waitMs > 0)
    await ctx.reporter.step(`wait ${(waitMs / 1000).toFixed(0)} s until ${app} has run its RestartAttemptPeriod (${attemptS} s)`, () => sleep(waitMs));
  const how = `SIGKILL to the php-fpm master in ${app} (engine exec, as test/e2e does) after it ran its RestartAttemptPeriod; the task started by \`local up --detach\``;
  const run = await ctx.reporter.step(`kill ${app}'s main process; until the proxy serves 200 and ${app} is HEALTHY again`, async (s) => {
    const kill = await ctx.engine.exec(engineName, ['/bin/sh', '-c', KILL_MAIN], { timeoutMs: 10_000 });
    const killedAt = Date.now();
    if (!kill.output.includes('killing')) throw new Error(`crash recovery: no php-fpm master to kill in ${engineName}: ${kill.output.trim()}`);
    const deadline = killedAt + 3 * 60_000;
    // A worker may answer for a few milliseconds after the master died: wait for the outage first.
    const outage =
      (await pollUntil(
        async () => {
          const status = await httpStatus(o.port, '/', 1000);
          return status === 200 ? undefined : status;
        },
        { everyMs: 20, deadlineMs: deadline - Date.now() },
      )) ?? 200;
    const outageMs = Date.now() - killedAt;
    const servingAgainMs = (await firstOk(o.port, deadline, 'crash recovery')) - killedAt;
    const healthyAgainMs = await pollUntil(
      async () => {
        const st = await cli(o.bundle, ['local', 'status', '--json', '--name', o.name, '--project', o.project], {}, 60_000);
        const c = st.code === 0 ? (JSON.parse(st.output).containers as any[]).find((x) => x.name === app || x.name === engineName) : undefined;
        return c?.restarts >= 1 && c.health === 'HEALTHY' ? Date.now() - killedAt : undefined;
      },
      { everyMs: 500, deadlineMs: deadline - Date.now() },
    );
    s.done(
      `${outage ? `answered ${outage}` : 'no answer'} ${outageMs} ms after the kill; serving again after ${(servingAgainMs / 1000).toFixed(1)} s, HEALTHY again after ${healthyAgainMs === undefined ? 'never (deadline)' : `${(healthyAgainMs / 1000).toFixed(1)} s`}`,
    );
    return { servingAgainMs, healthyAgainMs };
  });
  return { runs: [run], how };
}
