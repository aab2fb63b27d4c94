/**
 * Before the end-to-end run: remove the tasks an interrupted earlier run left behind
 * (test/e2e/leftover-tasks.ts), on each engine that answers, with `secure-ecs local down --volumes`'s own
 * code, saying what it removed. An engine that is absent or does not answer is skipped here; the
 * suites report on it.
 */
import { down } from '../../lib/local/commands/down';
import { realConnectors } from '../../lib/local/engines/select-engine';
import { hostFacts } from '../../lib/local/host/host-facts';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { isAlive } from '../../lib/local/state';
import { quiet, ROOT } from './helpers';
import { leftoverTasks } from './leftover-tasks';

export default async function removeLeftoverTasks(): Promise<void> {
  const facts = hostFacts();
  for (const kind of ['docker', 'podman'] as const) {
    const engine = await realConnectors(TASK_LABEL_KEY)
      [kind](facts)
      .catch(() => undefined);
    if (!engine) continue;
    const tasks = await engine.listTasks().catch((e) => {
      process.stderr.write(`\nCould not list the tasks on ${kind} (${(e as Error).message}); leftovers of earlier runs, if any, stay.\n`);
      return [];
    });
    for (const { taskName, pid } of leftoverTasks(tasks, isAlive)) {
      process.stderr.write(`\nRemoving task ${taskName} from ${kind}: an earlier end-to-end run (pid ${pid}, gone) left it.\n`);
      // A task that cannot be removed is reported, not fatal: the suites that need its port say so themselves.
      await down({ taskName, projectDir: ROOT, reporter: quiet, out: process.stderr, engineRequest: { flag: kind, env: {} }, volumes: true }).catch((e) =>
        process.stderr.write(`Could not remove ${taskName} (${(e as Error).message}); \`secure-ecs local down --name ${taskName} --volumes\` removes it.\n`),
      );
    }
  }
}
