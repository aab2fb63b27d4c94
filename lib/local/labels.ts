/**
 * Every label key the local runner (and the benchmark) puts on what it creates. `down` removes
 * exactly what carries the task label; CI checks that nothing carrying it is left behind.
 */

/** On the task, every container and secret the runner creates for it; the value is the task name. */
export const TASK_LABEL_KEY = 'secure-ecs.local';
/** On each of the task's own containers: its ECS container name. */
export const CONTAINER_LABEL_KEY = 'secure-ecs.container';
/** On the runner's helper containers (pause, cgroup setup), not the task's own: their role. */
export const ROLE_LABEL_KEY = 'secure-ecs.role';
/** On the task: the task definition's Family. */
export const FAMILY_LABEL_KEY = 'secure-ecs.family';
/** On the benchmark's tasks instead of TASK_LABEL_KEY, so CI's leftover check does not count them. */
export const BENCH_LABEL_KEY = 'secure-ecs.bench';
/** On the fit check's containers (lib/fit-check/); the value is the run's name. */
export const FIT_CHECK_LABEL_KEY = 'secure-ecs.fit-check';
/** On a task-scoped volume (DockerVolumeConfiguration Scope `task`): removed with the task, not only by `down --volumes`. */
export const VOLUME_SCOPE_LABEL_KEY = 'secure-ecs.volume-scope';
