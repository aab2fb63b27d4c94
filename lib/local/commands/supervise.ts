/** The detached supervisor (`secure-ecs local supervise`, started by `up --detach`): starts the created task and keeps it running. */
import { connectEngine } from '../engines/select-engine';
import { LocalStepError } from '../errors';
import { hostFacts } from '../host/host-facts';
import { TASK_LABEL_KEY } from '../labels';
import { StateDir } from '../state';
import { TaskRunner } from '../runner/task-runner';

export async function supervise(taskName: string): Promise<number> {
  const stateDir = new StateDir(taskName);
  const plan = stateDir.readPlan();
  if (!plan) throw new LocalStepError('supervise', `no plan for task ${taskName}`);
  const engine = await connectEngine(plan.engine, hostFacts(), TASK_LABEL_KEY);
  const runner = new TaskRunner(
    plan,
    engine,
    (e) => stateDir.appendEvent(e),
    (s) => stateDir.writeState(s),
    { mode: 'detached' },
  );
  const onSignal = () => void runner.stop('stopped by `secure-ecs local down`');
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => undefined);
  await runner.start().catch(() => undefined); // reported through the event log
  await runner.stopped;
  return 0;
}
