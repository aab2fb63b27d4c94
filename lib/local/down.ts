/** `secure-ecs local down`: stop the task (through its runner when one is alive) and remove everything it created. */
import type { ContainerEngine } from './engines/container-engine';
import { connectEngine, realConnectors, selectEngine } from './engines/select-engine';
import { hostFacts } from './host/host-facts';
import { isAlive, LABEL_KEY, StateDir } from './state';
import { isOurProcess } from './task-process';
import type { CommonOptions } from './up';

/** Remove the task's containers, namespace owner, secrets and cgroup, and its state directory (images stay). */
export async function removeTask(engine: ContainerEngine, taskName: string, stateDir: StateDir): Promise<string[]> {
  const removed = await engine.removeTask(taskName);
  stateDir.remove();
  return [...new Set(removed)];
}

/** The engine of the recorded task, or the selected one when nothing is recorded. */
export async function engineOfTask(o: CommonOptions, stateDir: StateDir): Promise<ContainerEngine> {
  const plan = stateDir.readPlan();
  const facts = hostFacts();
  return plan ? connectEngine(plan.engine, facts, LABEL_KEY) : selectEngine(facts, o.engineRequest, o.reporter, realConnectors(LABEL_KEY));
}

export async function down(o: CommonOptions): Promise<number> {
  const stateDir = new StateDir(o.podName);
  const engine = await engineOfTask(o, stateDir);
  const st = stateDir.readState();
  const plan = stateDir.readPlan();
  if (st && st.taskStatus !== 'STOPPED' && isOurProcess(st.pid, o.podName)) {
    const waitS = (plan?.containers ?? []).reduce((t, c) => t + c.stopTimeoutS, 0) + 15;
    await o.reporter.step(`stop the task (${st.mode} runner, pid ${st.pid})`, async (s) => {
      process.kill(st.pid, 'SIGTERM');
      const until = Date.now() + waitS * 1000;
      while (isAlive(st.pid) && Date.now() < until) {
        s.update(stateDir.readState()?.taskStatus ?? 'stopping');
        await new Promise((res) => setTimeout(res, 200));
      }
    });
  } else if (plan) {
    // No runner alive: stop what still runs gracefully, dependents first.
    for (const c of [...plan.containers].reverse()) await engine.stopContainer(c.containerName, c.stopTimeoutS).catch(() => undefined);
  }
  const removed = await o.reporter.step(`remove task ${o.podName} from ${engine.info.kind}`, () => removeTask(engine, o.podName, stateDir));
  o.out.write(removed.length ? `Removed ${removed.join(', ')} (images kept).\n` : `Nothing to remove: no task ${o.podName} on ${engine.info.kind}.\n`);
  return 0;
}
