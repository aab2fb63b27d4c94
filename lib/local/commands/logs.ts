/** `secure-ecs local logs [container]`: print (or follow) the task's container logs from its engine. */
import { LocalInputError, LocalStepError } from '../errors';
import { StateDir } from '../state';
import { engineOfTask, type CommonOptions } from './context';

export async function logs(o: CommonOptions & { container?: string; follow: boolean; tail?: number }): Promise<number> {
  const stateDir = new StateDir(o.taskName);
  const plan = stateDir.readPlan();
  if (!plan) throw new LocalStepError('logs', `no local task ${o.taskName}; start one with \`secure-ecs local up\``);
  const targets = o.container ? plan.containers.filter((c) => c.name === o.container) : plan.containers;
  if (o.container && !targets.length)
    throw new LocalInputError(`unknown container "${o.container}"; the task has ${plan.containers.map((c) => c.name).join(', ')}`);
  const engine = await engineOfTask(o, stateDir);
  const followers = targets.map((c) =>
    engine.logs(c.containerName, { follow: o.follow, tail: o.tail }, (line) =>
      o.out.write(targets.length > 1 ? `${c.name.padEnd(6)}| ${line}\n` : `${line}\n`),
    ),
  );
  const stop = () => followers.forEach((f) => f.stop());
  process.once('SIGINT', stop);
  await Promise.all(followers.map((f) => f.done));
  return 0;
}
