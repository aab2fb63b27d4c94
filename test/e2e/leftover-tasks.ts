/**
 * Tasks an interrupted end-to-end or examples run left behind. Every suite names its task after its
 * own process (`secure-ecs-e2e-<what>-${process.pid}`, `secure-ecs-qos-…`, `secure-ecs-cis-…`,
 * `secure-ecs-example-<name>-…`) and removes it in `afterAll`; a run killed before that (Ctrl-C twice,
 * a closed terminal, a CI timeout) leaves the task running, holding its host port and its memory. The
 * next run removes the ones whose process is gone (test/e2e/global-setup.ts, the examples' too): a
 * task of a run still going, here or in another terminal, is left alone.
 */

/** An end-to-end task's name, its last part the pid of the jest process that started it. */
const E2E_TASK_NAME = /^secure-ecs-(?:e2e|qos|cis|example)-(?:[a-z0-9-]+-)?([1-9][0-9]{0,9})$/;

/** The pid in an end-to-end task's name; undefined for any other name (a user's own task among them). Pure. */
export function e2eTaskPid(name: string): number | undefined {
  const m = E2E_TASK_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The end-to-end tasks among `names` whose process is no longer alive, with that pid. Pure but for `alive`. */
export function leftoverTasks(names: readonly string[], alive: (pid: number) => boolean): { readonly taskName: string; readonly pid: number }[] {
  return names.flatMap((taskName) => {
    const pid = e2eTaskPid(taskName);
    return pid !== undefined && !alive(pid) ? [{ taskName, pid }] : [];
  });
}
