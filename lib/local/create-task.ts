/**
 * Create a prepared task on its engine (not started): the RDS stand-in first, outside the task (RDS
 * exists before the task starts), then the task's volumes, then the task itself. `up` runs it; the
 * end-to-end suite runs it for fixture task definitions. The caller removes the task on failure.
 */
import type { ContainerEngine } from './engines/container-engine';
import { TASK_LABEL_KEY, VOLUME_SCOPE_LABEL_KEY } from './labels';
import type { PreparedTask } from './prepare';
import type { Reporter } from './progress';
import { startStandin } from './standin/standin';
import { LocalStepError } from './errors';
import { DEFAULT_NETWORK as PODMAN_DEFAULT_NETWORK } from './engines/podman/args';

export async function createLocalTask(
  engine: ContainerEngine,
  p: PreparedTask,
  secretValues: ReadonlyMap<string, string>,
  r: Reporter,
  labelKey = TASK_LABEL_KEY,
): Promise<void> {
  const taskName = p.plan.taskName;
  if (p.standin) {
    await startStandin(engine, p.standin, labelKey, r);
    // podman's CNI networks here have no DNS (no dnsname plugin): the task finds the stand-in's host
    // name in its /etc/hosts instead, at the address the stand-in got on podman's default network, the
    // pod's only one (engines/podman/args.ts, podmanPodArgs, says why it is not the internal network).
    if (engine.info.kind === 'podman') {
      const ip = (await engine.inspectRaw(p.standin.spec.engineName))?.NetworkSettings?.Networks?.[PODMAN_DEFAULT_NETWORK]?.IPAddress;
      if (typeof ip !== 'string' || !ip)
        throw new LocalStepError('database stand-in', `${p.standin.spec.engineName} has no address on ${PODMAN_DEFAULT_NETWORK}`);
      p.translated.task.extraHosts.push(`${p.standin.spec.alias}:${ip}`);
    }
  }
  await ensureTaskVolumes(engine, p, taskName, labelKey, r);
  await r.step(`create task ${taskName} on ${engine.info.kind}`, (s) =>
    engine.createTask(
      p.translated.task,
      p.translated.containers.map((c) => c.spec),
      secretValues,
      (l) => s.update(l),
    ),
  );
}

/**
 * The task's volumes as engine volumes: an EFS one created (with the access point's owner) when
 * absent, else kept; a task-scoped one created afresh with its driver options (the engine removes one
 * left by an earlier task of the name first), labelled so that removing the task removes it.
 */
async function ensureTaskVolumes(engine: ContainerEngine, p: PreparedTask, taskName: string, labelKey: string, r: Reporter): Promise<void> {
  // A helper image with sh, chown and chmod: one of the task's own.
  const helperImage = p.translated.containers[0].spec.image;
  for (const v of p.translated.task.volumes ?? []) {
    // The runner's labels last: a template's label cannot take the task's or the scope's key.
    const labels = { ...(v.labels ?? {}), [labelKey]: taskName, ...(v.scope === 'task' ? { [VOLUME_SCOPE_LABEL_KEY]: 'task' } : {}) };
    const { created } = await engine.ensureVolume(v, labels, helperImage);
    const how =
      v.scope === 'task' ? ` (task-scoped, driver ${v.driver ?? 'local'})` : v.owner ? ` (owner ${v.owner.uid}:${v.owner.gid}, mode ${v.owner.mode})` : '';
    r.info(`volume ${v.name}: ${created ? `created${how}` : 'kept from an earlier start'}`);
  }
}
