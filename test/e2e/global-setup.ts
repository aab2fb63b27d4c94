/**
 * Before the end-to-end run: remove the tasks an interrupted earlier run left behind
 * (test/e2e/leftover-tasks.ts), on each engine that answers, with `secure-ecs local down --volumes`'s own
 * code, saying what it removed. An engine that is absent or does not answer is skipped here; the
 * suites report on it. A task whose containers are already gone can still have left its state
 * directory and stand-in database files under the cache directory (a run killed between removing the
 * containers and the directory); those go the same way.
 */
import { readdirSync } from 'node:fs';
import { down } from '../../lib/local/commands/down';
import { realConnectors } from '../../lib/local/engines/select-engine';
import { hostFacts } from '../../lib/local/host/host-facts';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { StandinFiles } from '../../lib/local/standin/standin-files';
import { isAlive, StateDir } from '../../lib/local/state';
import { quiet, ROOT } from './helpers';
import { leftoverTasks } from './leftover-tasks';

type EngineKind = 'docker' | 'podman';

export default async function removeLeftoverTasks(): Promise<void> {
  const facts = hostFacts();
  const onEngines = new Set<string>();
  let answering: EngineKind | undefined;
  for (const kind of ['docker', 'podman'] as const) {
    const engine = await realConnectors(TASK_LABEL_KEY)
      [kind](facts)
      .catch(() => undefined);
    if (!engine) continue;
    answering ??= kind;
    const tasks = await engine.listTasks().catch((e) => {
      process.stderr.write(`\nCould not list the tasks on ${kind} (${(e as Error).message}); leftovers of earlier runs, if any, stay.\n`);
      return [];
    });
    tasks.forEach((t) => onEngines.add(t));
    for (const { taskName, pid } of leftoverTasks(tasks, isAlive)) {
      await removeTask(taskName, kind, `\nRemoving task ${taskName} from ${kind}: an earlier end-to-end run (pid ${pid}, gone) left it.\n`);
    }
  }
  if (!answering) return;
  // `down` finds the engine in the directory's plan when there is one, and removes the task's volumes too.
  for (const { taskName, pid } of leftoverTasks(
    cachedTaskNames().filter((n) => !onEngines.has(n)),
    isAlive,
  )) {
    await removeTask(
      taskName,
      answering,
      `\nRemoving the files of task ${taskName}: an earlier end-to-end run (pid ${pid}, gone) left them, and no engine that answers runs it.\n`,
    );
  }
}

/** Remove a task as `local down --volumes` does. Not fatal: the suites that need its port say so themselves. */
async function removeTask(taskName: string, kind: EngineKind, why: string): Promise<void> {
  process.stderr.write(why);
  await down({ taskName, projectDir: ROOT, reporter: quiet, out: process.stderr, engineRequest: { flag: kind, env: {} }, volumes: true }).catch((e) =>
    process.stderr.write(`Could not remove ${taskName} (${(e as Error).message}); \`secure-ecs local down --name ${taskName} --volumes\` removes it.\n`),
  );
}

/** The task names with a state directory or stand-in files. */
function cachedTaskNames(): string[] {
  const names = [StateDir.root(), StandinFiles.root()].flatMap((root) => {
    try {
      return readdirSync(root);
    } catch {
      return [];
    }
  });
  return [...new Set(names)];
}
