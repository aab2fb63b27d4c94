/**
 * What every `secure-ecs local` command shares: its options, the engine a recorded task runs on, and
 * the removal of a task. Commands import this, never each other.
 */
import type { ContainerEngine } from '../engines/container-engine';
import { connectEngine, realConnectors, selectEngine, type EngineRequest } from '../engines/select-engine';
import { hostFacts } from '../host/host-facts';
import { TASK_LABEL_KEY } from '../labels';
import type { Reporter } from '../progress';
import type { StateDir } from '../state';

export interface CommonOptions {
  readonly taskName: string;
  readonly projectDir: string;
  readonly reporter: Reporter;
  /** Where results go (stdout). */
  readonly out: { write(text: string): void };
  readonly engineRequest: EngineRequest;
}

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
  return plan ? connectEngine(plan.engine, facts, TASK_LABEL_KEY) : selectEngine(facts, o.engineRequest, o.reporter, realConnectors(TASK_LABEL_KEY));
}
