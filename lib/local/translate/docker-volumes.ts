/**
 * A task definition volume with a `DockerVolumeConfiguration`, locally. The ECS agent turns one of
 * Scope `task` into a Docker volume of its own per task: created with the configuration's Driver,
 * DriverOpts and Labels before the containers, mounted by name into those that list it in their
 * MountPoints, and removed when the task is cleaned up (amazon-ecs-agent agent/api/task/task.go,
 * addTaskScopedVolumes; agent/taskresource/volume/dockervolume.go, VolumeResource.Create passes
 * Driver, DriverOpts and Labels to Docker's volume create, and Cleanup, registered only for Scope
 * "task", removes it). The runner does the same with the engine's `local` driver: a fresh volume
 * when the task is created, removed with the task (`local down`). Scope `shared` and other drivers
 * (plugins absent here) are reported as not created. Pure.
 */
import { isObject } from '../../util/is-object';
import type { FieldReport, VolumeSpec } from '../spec';
import { short } from './collector';

/** The one driver every engine has; a plugin's volume cannot be created locally. */
const LOCAL_DRIVER = 'local';

/** Option names of the `local` driver (moby volume/local: type, device, o; podman's local driver takes the same). */
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** How a task-scoped volume's field report begins: `down` tells it from the volumes it keeps. */
export const TASK_SCOPED_VOLUME_DETAIL = 'task-scoped engine volume';

/** The engine volume of a task-scoped volume: per task name, as ECS makes one per task. */
function taskScopedVolumeName(taskName: string, volumeName: string): string {
  return `${taskName}-task-${volumeName.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

/** A string map of the template (DriverOpts, Labels), or the reason it is not one. */
function stringMap(value: unknown, what: string): { map?: Record<string, string>; problem?: string } {
  if (value === undefined) return { map: {} };
  if (!isObject(value)) return { problem: `${what} ${short(value)} is not a map of strings` };
  const map: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    // Values reach the engine as data (an API body, one argv element): still refuse what no option holds.
    if (typeof v !== 'string' || !OPTION_NAME.test(k) || /[\0\n\r]/.test(v))
      return { problem: `${what} ${short({ [k]: v })} is not a name and a one-line string` };
    map[k] = v;
  }
  return { map };
}

/** One DockerVolumeConfiguration: the engine volume, or nothing with the fields saying why. */
export function translateDockerVolume(
  name: string,
  config: Record<string, unknown>,
  taskName: string,
  report: (sub: string, outcome: FieldReport['outcome'], detail: string) => void,
): VolumeSpec | undefined {
  const scope = config.Scope ?? 'task';
  const driver = config.Driver ?? LOCAL_DRIVER;
  if (scope !== 'task') {
    report(`.${name}`, 'not-honoured', `DockerVolumeConfiguration Scope ${short(scope)}: only task-scoped Docker volumes are created locally`);
    return undefined;
  }
  if (driver !== LOCAL_DRIVER) {
    report(`.${name}`, 'not-honoured', `DockerVolumeConfiguration Driver ${short(driver)}: only the engine's "local" driver exists here (no volume plugins)`);
    return undefined;
  }
  const opts = stringMap(config.DriverOpts, 'DriverOpts');
  const labels = stringMap(config.Labels, 'Labels');
  const problem = opts.problem ?? labels.problem;
  if (problem) {
    report(`.${name}`, 'not-honoured', `${problem}; the volume is not created`);
    return undefined;
  }
  const volume: VolumeSpec = { name: taskScopedVolumeName(taskName, name), scope: 'task', driver: LOCAL_DRIVER, driverOpts: opts.map, labels: labels.map };
  const shownOpts = Object.entries(opts.map ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  report(
    `.${name}`,
    'honoured',
    `${TASK_SCOPED_VOLUME_DETAIL} ${volume.name} (driver local${shownOpts ? `, ${shownOpts}` : ''}): created afresh with the task and removed with it (\`local down\`), as the ECS agent does`,
  );
  return volume;
}

/** The flags of a `local` volume's `o` that a read-write bind of it keeps under Docker (MountSpec.volumeFlags). */
export function tmpfsVolumeFlags(volume: VolumeSpec): string[] {
  const o = (volume.driverOpts?.o ?? '').split(',');
  return ['noexec', 'nosuid', 'nodev'].filter((f) => o.includes(f));
}
