/**
 * The field report of the synthesized task as `up` computes it (prepare.ts: translateFor, then the
 * engine's capabilities), without images or an engine running: for the golden report test and the
 * README test.
 */
import { readAssemblyTask, type AssemblyTask } from '../../../lib/local/assembly-task';
import type { ContainerEngine, EngineInfo } from '../../../lib/local/engines/container-engine';
import type { HostFacts } from '../../../lib/local/host/host-facts';
import { assetImageRef } from '../../../lib/local/images';
import { TASK_LABEL_KEY } from '../../../lib/local/labels';
import { translateFor } from '../../../lib/local/prepare';
import type { FieldReport } from '../../../lib/local/spec';
import { fieldsOnEngine } from '../../../lib/local/translate/field-report';
import { synth } from '../../helpers/synth';

/** This project's CI machine: rootful, cgroup v1, the hard limits of its processes. */
const CI_HOST: HostFacts = {
  platform: 'linux',
  distro: ['debian'],
  uid: 0,
  cgroupV2Unified: false,
  systemd: false,
  hasRunc: true,
  hardLimits: { nofile: 20000, nproc: 96365 },
};

export const engineInfo = (kind: 'docker' | 'podman', extra: Partial<EngineInfo> = {}): EngineInfo => ({
  kind,
  version: '1',
  rootless: false,
  cgroupVersion: 1,
  cgroupDriver: 'cgroupfs',
  remote: false,
  endpoint: 'test',
  ...extra,
});

/** The task definition of the app as `cdk synth` writes it, read back from the cloud assembly. */
export function synthesizedTask(): AssemblyTask {
  return readAssemblyTask(synth().assembly.directory);
}

/** The field reports `up` prints for `task` on `engine`, the task named `golden` on port 18080. */
export function fieldsOn(engine: ContainerEngine, task: AssemblyTask, loadBalancer: string): FieldReport[] {
  const images = Object.fromEntries(
    Object.entries(task.images).map(([name, src]) => [name, { ref: assetImageRef(name, src.assetHash!), origin: 'unused by the report' }]),
  );
  const translated = translateFor({
    assembly: task,
    images,
    engine,
    facts: CI_HOST,
    loadBalancer,
    taskName: 'golden',
    hostPort: 18080,
    labelKey: TASK_LABEL_KEY,
  });
  return fieldsOnEngine(
    translated.fields,
    translated.task,
    translated.containers.map((c) => c.spec),
    engine.capabilities,
  );
}
