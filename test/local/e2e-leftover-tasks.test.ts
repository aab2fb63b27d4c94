/**
 * Which tasks the end-to-end run's setup removes (test/e2e/leftover-tasks.ts): only end-to-end tasks
 * (and examples tasks) whose jest process is gone, never a user's own task or a live run's; and every
 * task name the suites build is one it recognizes, so a new suite's leftovers are removed too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { e2eTaskPid, leftoverTasks } from '../e2e/leftover-tasks';

const SUITES = [
  { dir: path.join(__dirname, '..', 'e2e'), suffix: '.e2e.ts' },
  { dir: path.join(__dirname, '..', 'examples'), suffix: '.example.ts' },
];

describe('leftoverTasks', () => {
  const alive = (pid: number) => pid === 700;

  test('an end-to-end task of a process that is gone is a leftover; one of a live process is not', () => {
    expect(
      leftoverTasks(
        [
          'secure-ecs-e2e-699',
          'secure-ecs-e2e-700',
          'secure-ecs-e2e-sess-mariadb-12032',
          'secure-ecs-qos-700',
          'secure-ecs-cis-31',
          'secure-ecs-example-wordpress-700',
        ],
        alive,
      ),
    ).toEqual([
      { taskName: 'secure-ecs-e2e-699', pid: 699 },
      { taskName: 'secure-ecs-e2e-sess-mariadb-12032', pid: 12032 },
      { taskName: 'secure-ecs-cis-31', pid: 31 },
    ]);
  });

  test.each([
    'secure-ecs-local',
    'my-app',
    'secure-ecs-e2e',
    'secure-ecs-e2e-configs',
    'secure-ecs-e2e-0',
    'secure-ecs-fit-12-1x',
    'secure-ecs-e2e-12345678901',
    'x-secure-ecs-e2e-5',
  ])('%s is not an end-to-end task name', (name) => {
    expect(e2eTaskPid(name)).toBeUndefined();
    expect(leftoverTasks([name], () => false)).toEqual([]);
  });
});

describe('the suites’ task names', () => {
  // Every template literal in a suite that names a task after its process: `secure-ecs-…-${process.pid}`.
  const names = SUITES.flatMap(({ dir, suffix }) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .flatMap((f) =>
        [...readFileSync(path.join(dir, f), 'utf8').matchAll(/`(secure-ecs-[^`]*\$\{process\.pid\})`/g)].map((m) => ({ file: f, template: m[1] })),
      ),
  );

  test('the suites have task names to check', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  test.each(names)('$file: $template is recognized, with its pid', ({ template }) => {
    const name = template.replace('${process.pid}', '4242').replace(/\$\{[^}]+\}/g, 'mariadb');
    expect(e2eTaskPid(name)).toBe(4242);
  });
});
