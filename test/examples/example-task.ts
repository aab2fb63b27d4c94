/**
 * One example app (examples/<name>/) as a fork would run it: the folder copied in place of
 * containers/app next to the project's own proxy (and database stand-in), its settings.json given to
 * `cdk synth -c configFile=`, the assembly started with `secure-ecs local up --assembly`, and at the
 * end `local down --volumes`, checked to leave no container, volume or network behind.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { ROOT, cli, engine, inside, newClient, request, type Response } from '../e2e/helpers';
import { startTask, stopTask, synthWith, type TaskUnderTest } from '../e2e/task-under-test';

export interface ExampleTask {
  readonly t: TaskUnderTest;
  /** The example's settings.json, as synthesized. */
  readonly settings: any;
  /**
   * Replace the task as a deployment or a failed health check does on ECS: `local down` (which keeps
   * the volumes and the database stand-in's data), then `local up` of the same assembly on the same
   * port, as the ALB's address stays the same (an app that stored its URL, such as WordPress, keeps
   * working).
   */
  replace(): Promise<TaskUnderTest>;
  /** Stop the task with `local down --volumes`; what the engine still lists for it (should be empty). */
  down(): Promise<string[]>;
}

/**
 * Start examples/<name> as task `taskName` (minutes on a cold cache: the images are built).
 * `files` are written into the staged app folder first (an example's test users, never committed).
 */
async function startExample(name: string, taskName: string, files: Record<string, string> = {}): Promise<ExampleTask> {
  const example = path.join(ROOT, 'examples', name);
  const settings = JSON.parse(readFileSync(path.join(example, 'settings.json'), 'utf8'));
  const containers = mkdtempSync(path.join(tmpdir(), `secure-ecs-example-${name}-`));
  // Everything of containers/ but the app, which the example replaces: the step a fork takes.
  cpSync(path.join(ROOT, 'containers'), containers, { recursive: true, filter: (src) => src !== path.join(ROOT, 'containers', 'app') });
  cpSync(example, path.join(containers, 'app'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(containers, 'app', file), text);
  try {
    const assembly = await synthWith(settings, { containersDir: containers });
    // A start that fails half-way leaves what it made (the stand-in, volumes): the test never gets an
    // ExampleTask to take down, so take it down here.
    const t = await startTask(taskName, { assembly }).catch(async (e: unknown) => {
      await downLeavingNothing(taskName).catch(() => undefined);
      throw e;
    });
    const replace = async () => {
      await stopTask(taskName);
      return startTask(taskName, { assembly, port: t.port });
    };
    return { t, settings, replace, down: () => downLeavingNothing(taskName) };
  } finally {
    rmSync(containers, { recursive: true, force: true });
  }
}

export interface ExampleSuite {
  /** examples/<name>. */
  readonly name: string;
  /** The task's name (unique per run). */
  readonly task: string;
  /** Written into the staged app folder before the build (see startExample). */
  readonly files?: Record<string, string>;
  /** How long the start may take (a cold build of the images is minutes). */
  readonly startTimeoutMs: number;
}

/**
 * A describe block for one example: starts it before the tests `body` registers, and after them
 * registers the last test, `local down --volumes` leaving nothing of the task, so every example ends
 * the same way. The task is also taken down in afterAll when a test failed first. `body` gets the
 * running example through `example()`, valid from the tests' own beforeAll on.
 */
export function describeExample(title: string, suite: ExampleSuite, body: (example: () => ExampleTask) => void): void {
  describe(title, () => {
    let ex: ExampleTask | undefined;
    let left: string[] | undefined;
    beforeAll(async () => {
      ex = await startExample(suite.name, suite.task, suite.files);
    }, suite.startTimeoutMs);
    afterAll(async () => {
      left ??= await ex?.down();
    }, 5 * 60_000);

    body(() => {
      if (!ex) throw new Error(`examples/${suite.name} did not start`);
      return ex;
    });

    test(
      'local down --volumes leaves no container, volume, network or cgroup of the task',
      async () => {
        left = await ex!.down();
        expect(left).toEqual([]);
      },
      5 * 60_000,
    );
  });
}

/**
 * The proxy's rate limit as one client meets it: RATE_LIMIT_BURST + 15 requests in a row, which get
 * `ok` until the limit and then 429 with the task's Retry-After, nothing else.
 */
export async function expectRateLimited(t: TaskUnderTest, p: string, ok: number, init: Parameters<typeof request>[2] = {}): Promise<void> {
  const client = newClient();
  const rs: Response[] = [];
  for (let i = 0; i < Number(t.proxyEnv.RATE_LIMIT_BURST) + 15; i++) rs.push(await request(t.port, p, { ...init, client }));
  const limited = rs.filter((r) => r.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  expect(limited[0].headers['retry-after']).toBe(t.proxyEnv.RETRY_AFTER_SECONDS);
  expect(new Set(rs.map((r) => r.status))).toEqual(new Set([ok, 429]));
}

/**
 * The app container under the task's hardening at run time: uid 33, no capabilities and
 * no-new-privileges (its first process and a new one), the root read-only as the task definition
 * says; a file can be written in each folder of `writable` and in none of `refused`.
 */
export async function expectHardenedApp(t: TaskUnderTest, writable: string[], refused: string[]): Promise<void> {
  const r = await inside(
    t.ctr(t.appName),
    [
      'id -u',
      'grep -E "^(CapEff|NoNewPrivs)" /proc/1/status /proc/self/status',
      ...writable.map((d) => `echo data > ${d}/hardening-probe && rm ${d}/hardening-probe && echo "wrote ${d}"`),
      // The braces put 2>/dev/null around the redirection: the shell's own "cannot create" goes to
      // stderr before a trailing 2>/dev/null would apply, and the exec interleaves stderr with stdout.
      ...refused.map((d) => `{ echo data > ${d}/hardening-probe; } 2>/dev/null || echo "refused ${d}"`),
    ].join('; '),
  );
  expect(r.out).toMatch(/^33\n/);
  expect(r.out).not.toMatch(/CapEff:\s+0*[1-9a-f]/);
  expect(r.out.match(/CapEff:\s+0000000000000000/g)).toHaveLength(2);
  expect(r.out.match(/NoNewPrivs:\s+1/g)).toHaveLength(2);
  for (const d of writable) expect(r.out).toContain(`wrote ${d}\n`);
  for (const d of refused) expect(r.out).toContain(`refused ${d}\n`);
  const def = t.defs[t.appName];
  expect([def.User, def.ReadonlyRootFilesystem, def.LinuxParameters.Capabilities.Drop]).toEqual(['33:33', true, ['ALL']]);
}

/** `local down --volumes`, then the containers, volumes and networks the engine still has with the task's label. */
async function downLeavingNothing(taskName: string): Promise<string[]> {
  const down = await cli(['local', 'down', '--volumes', '--name', taskName], 5 * 60_000);
  if (down.code !== 0) throw new Error(`local down failed:\n${down.output}`);
  const kind = (await engine()).info.kind;
  const filter = `label=${TASK_LABEL_KEY}=${taskName}`;
  const left: string[] = [];
  for (const what of [
    ['ps', '-a'],
    ['volume', 'ls'],
    ['network', 'ls'],
  ]) {
    const r = spawnSync(kind, [...what, '-q', '--filter', filter], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${kind} ${what.join(' ')} failed: ${r.stderr}`);
    left.push(
      ...r.stdout
        .split('\n')
        .filter(Boolean)
        .map((id) => `${what[0]} ${id}`),
    );
  }
  // The task cgroup the runner made on Docker (lib/local/engines/task-cgroup.ts), in every hierarchy of
  // a v1 host and in the unified one: the daemon runs on this machine in the tests. Docker's cgroupfs
  // driver (CI's); under the systemd driver the task's slice is systemd's to remove.
  const cgroups = '/sys/fs/cgroup';
  const hierarchies = existsSync(cgroups) ? ['.', ...readdirSync(cgroups)] : [];
  left.push(
    ...hierarchies
      .map((h) => path.join(cgroups, h, 'secure-ecs', taskName))
      .filter((d) => existsSync(d))
      .map((d) => `cgroup ${d}`),
  );
  return left;
}
