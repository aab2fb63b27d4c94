/** `secure-ecs local down`: stop the task (through its runner when one is alive) and remove everything it created. */
import { existsSync } from 'node:fs';
import { pollUntil } from '../poll';
import { StandinFiles } from '../standin/standin-files';
import { TASK_SCOPED_VOLUME_DETAIL } from '../translate/docker-volumes';
import { isAlive, StateDir } from '../state';
import { isOurProcess } from './task-process';
import { engineOfTask, removeTask, type CommonOptions } from './context';

export async function down(o: CommonOptions & { volumes?: boolean }): Promise<number> {
  const stateDir = new StateDir(o.taskName);
  const engine = await engineOfTask(o, stateDir);
  const st = stateDir.readState();
  const plan = stateDir.readPlan();
  // A run killed before it cleaned up can leave this directory with no containers behind it.
  const hadState = existsSync(stateDir.dir);
  if (st && st.taskStatus !== 'STOPPED' && isOurProcess(st.pid, o.taskName)) {
    const waitS = (plan?.containers ?? []).reduce((t, c) => t + c.stopTimeoutS, 0) + 15;
    await o.reporter.step(`stop the task (${st.mode} runner, pid ${st.pid})`, async (s) => {
      process.kill(st.pid, 'SIGTERM');
      await pollUntil(
        () => {
          if (!isAlive(st.pid)) return true;
          s.update(stateDir.readState()?.taskStatus ?? 'stopping');
          return undefined;
        },
        { everyMs: 200, deadlineMs: waitS * 1000 },
      );
    });
  } else if (plan) {
    // No runner alive: stop what still runs gracefully, dependents first.
    for (const c of [...plan.containers].reverse()) await engine.stopContainer(c.containerName, c.stopTimeoutS).catch(() => undefined);
  }
  const removed = await o.reporter.step(`remove task ${o.taskName} from ${engine.info.kind}`, () => removeTask(engine, o.taskName, stateDir));
  if (o.volumes) {
    // The data and the login that opens it go together: a new volume gets a new login and CA.
    removed.push(...(await o.reporter.step(`remove the volumes of ${o.taskName}`, () => engine.removeVolumes(o.taskName))));
    const files = new StandinFiles(o.taskName);
    if (existsSync(files.dir)) {
      files.remove();
      removed.push('the stand-in database login and CA');
    }
  }
  // Task-scoped volumes went with the task (removeTask); only the kept ones are worth the hint.
  const hadVolumes =
    plan?.standin !== undefined ||
    (plan?.fields ?? []).some((f) => f.path.startsWith('task.Volumes.') && f.outcome === 'honoured' && !f.detail.startsWith(TASK_SCOPED_VOLUME_DETAIL));
  const kept = hadVolumes && !o.volumes ? ' (images and volumes kept; `--volumes` removes the volumes)' : ' (images kept)';
  if (removed.length) o.out.write(`Removed ${removed.join(', ')}${kept}.\n`);
  else if (hadState) o.out.write(`Removed the leftover local state of ${o.taskName} (no task ${o.taskName} on ${engine.info.kind}).\n`);
  else o.out.write(`Nothing to remove: no task ${o.taskName} on ${engine.info.kind}.\n`);
  return 0;
}
