/**
 * End-to-end: the CIS Docker Benchmark v1.6, sections 4 (images) and 5 (container runtime), on the
 * task `secure-ecs local up` runs on Docker, every container of it (the pause container included) and
 * every image it runs. The checks are docker-bench-security's own, rewritten over the Engine API
 * (cis-docker-checks.ts), so they run wherever the suite runs; the findings must be exactly the
 * exceptions documented in docs/security-model.md ("The CIS Docker Benchmark on the local task").
 *
 * With DOCKER_BENCH_SECURITY_DIR pointing at a checkout of docker/docker-bench-security, the real
 * tool runs too (sections 4 and 5, restricted to this task's containers and images), and every WARN it
 * prints must be a documented one and, but for the two it checks outside the task, one of ours.
 * On podman (SECURE_ECS_ENGINE=podman, or no Docker endpoint) this file is skipped: the benchmark is
 * Docker's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DockerEngine } from '../../lib/local/engines/docker/engine';
import { requestedEngine } from '../../lib/local/engines/select-engine';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { taskCgroup } from './cgroups';
import { benchWarnings, CHECKED, cisFindings, type ContainerFacts, type Finding, type ImageFacts } from './cis-docker-checks';
import { ROOT, engine } from './helpers';
import { startTask, stopTask, type TaskUnderTest } from './task-under-test';

const NAME = `secure-ecs-cis-${process.pid}`;
const BENCH_DIR = process.env.DOCKER_BENCH_SECURITY_DIR;
const asked = requestedEngine({ env: process.env })?.kind;
// As test/e2e/jest.config.js: a Docker endpoint is present.
const dockerPresent = Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock') || existsSync(path.join(homedir(), '.docker/run/docker.sock'));
const onDocker = asked ? asked === 'docker' : dockerPresent;
if (!onDocker) process.stderr.write('\ncis-docker.e2e.ts: skipped, the CIS Docker Benchmark runs on Docker and this suite runs on podman\n');

/** Checks docker-bench runs outside the task: 4.5 reads the client's DOCKER_CONTENT_TRUST, 5.1 the daemon's swarm mode. */
const OUTSIDE_THE_TASK = ['4.5', '5.1'];

let t: TaskUnderTest;
let docker: DockerEngine['docker'];
let containers: ContainerFacts[] = [];
let images: ImageFacts[] = [];
let findings: Finding[] = [];
let appArmorHost = false;
const pause = () => `${NAME}-pause`;
const taskContainers = () => containers.map((c) => c.name).filter((n) => n !== pause());
const key = (f: Pick<Finding, 'id' | 'level' | 'subject' | 'detail'>) => `${f.id} ${f.level} ${f.subject}: ${f.detail}`;

/**
 * What the benchmark reports on the local task and docs/security-model.md explains (nothing else may
 * appear). From the running task: the task cgroup's name (from up's field report) and the port.
 */
function documentedExceptions(): Finding[] {
  const cgroupParent = /task cgroup (\S+)/.exec(t.fields.find((f) => f.path === 'task.Memory')?.detail ?? '')?.[1];
  const all = containers.map((c) => c.name);
  return [
    // 4.7: both Dockerfiles run `apt-get update` with its `apt-get install` in one RUN, which grep cannot tell apart.
    ...images.map((i) => ({ id: '4.7', level: 'INFO' as const, subject: i.ref, detail: 'update in the history' })),
    // 5.2: Docker applies its docker-default AppArmor profile wherever the kernel has AppArmor.
    ...(appArmorHost ? [] : all.map((subject) => ({ id: '5.2', level: 'WARN' as const, subject, detail: 'no AppArmor profile' }))),
    // 5.9: the one published port, on 127.0.0.1, owned by the pause container as on an awsvpc task.
    { id: '5.9', level: 'WARN', subject: pause(), detail: `127.0.0.1:${t.port}` },
    // 5.25: every container beneath the task cgroup, as the ECS agent places them.
    ...(cgroupParent ? all.map((subject) => ({ id: '5.25', level: 'WARN' as const, subject, detail: cgroupParent })) : []),
    // 5.27: ECS runs no health check on its pause container.
    { id: '5.27', level: 'WARN', subject: pause(), detail: 'no health check' },
    // 5.29: task definitions have no per-container PIDs limit; the task cgroup's pids.max bounds the task.
    ...taskContainers().map((subject) => ({ id: '5.29', level: 'WARN' as const, subject, detail: 'no PIDs limit' })),
    // 5.30: the pause container is on Docker's default bridge (an ENI on ECS).
    { id: '5.30', level: 'INFO', subject: pause(), detail: 'docker0' },
  ];
}

(onDocker ? describe : describe.skip)('CIS Docker Benchmark v1.6 on the local task (Docker)', () => {
  beforeAll(async () => {
    const e = await engine();
    if (e.info.kind !== 'docker')
      throw new Error(`the CIS Docker Benchmark needs Docker; the runner chose ${e.info.kind} (SECURE_ECS_ENGINE=podman skips this file)`);
    docker = (e as DockerEngine).docker;
    t = await startTask(NAME);
    const began = Date.now();
    appArmorHost = ((await docker.info()).SecurityOptions ?? []).some((o: string) => o.includes('name=apparmor'));
    const names = await e.listContainers(TASK_LABEL_KEY, NAME);
    containers = await Promise.all(
      names.map(async (name) => {
        const c = docker.getContainer(name);
        const top = (await c.top()) as { Titles: string[]; Processes: string[][] };
        const cmd = top.Titles.indexOf('CMD');
        return { name, inspect: await c.inspect(), processes: top.Processes.map((p) => p[cmd] ?? p.join(' ')) };
      }),
    );
    const refs = [...new Set(containers.map((c) => String(c.inspect.Config.Image)))];
    images = await Promise.all(
      refs.map(async (ref) => {
        const image = docker.getImage(ref);
        const history = (await image.history()) as { CreatedBy: string }[];
        return { ref, inspect: await image.inspect(), history: history.map((h) => h.CreatedBy) };
      }),
    );
    findings = cisFindings(containers, images);
    process.stderr.write(`\ncis: ${containers.length} containers and ${images.length} images read and checked in ${Date.now() - began} ms\n`);
  }, 25 * 60_000);

  afterAll(() => stopTask(NAME), 5 * 60_000);

  test('reads every container of the task, the pause container included, and every image they run', () => {
    expect(containers.map((c) => c.name).sort()).toEqual([pause(), ...Object.keys(t.defs).map((n) => t.ctr(n))].sort());
    expect(images.length).toBe(new Set(Object.keys(t.defs).map((n) => containers.find((c) => c.name === t.ctr(n))!.inspect.Config.Image)).size);
  });

  test('sections 4 and 5 find exactly the documented exceptions, on every container and image', () => {
    expect(findings.map(key).sort()).toEqual(documentedExceptions().map(key).sort());
  });

  test('every exception is explained in docs/security-model.md under its benchmark id', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'security-model.md'), 'utf8');
    const section = doc.split(/^## /m).find((s) => s.startsWith('The CIS Docker Benchmark on the local task')) ?? '';
    const rows = new Set([...section.matchAll(/^\| (\d+\.\d+) \|/gm)].map((m) => m[1]));
    const explained = (id: string) => [id, rows.has(id)];
    for (const id of new Set([...findings.map((f) => f.id), ...OUTSIDE_THE_TASK])) expect(explained(id)).toEqual([id, true]);
    // And each id the doc lists is one the benchmark has (no row for a check that does not exist).
    for (const id of rows) expect([id, [...CHECKED.map((c) => c.id), ...OUTSIDE_THE_TASK].includes(id)]).toEqual([id, true]);
  });

  test('5.29: in place of per-container PIDs limits, the task cgroup has pids.max from ECS_TASK_PIDS_LIMIT', async () => {
    const limit = t.assembly.agentSettings.settings.ECS_TASK_PIDS_LIMIT;
    expect(limit).toMatch(/^[1-9]\d*$/);
    // Rootless Docker sets no task cgroup: up says so (honoured checks that it did).
    if (!t.honoured('host.ECS_TASK_PIDS_LIMIT')) return;
    expect((await taskCgroup(NAME)).pidsMax()).toBe(limit);
  });

  (BENCH_DIR ? test : test.skip)(
    'docker-bench-security (DOCKER_BENCH_SECURITY_DIR): every WARN is documented, and the same as ours',
    async () => {
      const log = mkdtempSync(path.join(tmpdir(), 'docker-bench-'));
      try {
        // -i matches container names and `docker images` lines: the task's name and its images' repositories.
        const include = [NAME, ...images.map((i) => i.ref.slice(0, i.ref.lastIndexOf(':')))].join(',');
        const r = await promisify(execFile)(
          'bash',
          ['docker-bench-security.sh', '-b', '-c', 'container_images,container_runtime', '-i', include, '-l', path.join(log, 'bench.log')],
          { cwd: BENCH_DIR, timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024 },
        );
        process.stderr.write(`\ncis: docker-bench-security WARN ${benchWarnings(r.stdout).join(' ')}\n`);
        const ours = [...new Set(findings.filter((f) => f.level === 'WARN').map((f) => f.id))];
        const tool = benchWarnings(r.stdout);
        expect(tool.filter((id) => !OUTSIDE_THE_TASK.includes(id)).sort()).toEqual(ours.sort());
        const documented = new Set([...documentedExceptions().map((f) => f.id), ...OUTSIDE_THE_TASK]);
        for (const id of tool) expect([id, documented.has(id)]).toEqual([id, true]);
      } finally {
        rmSync(log, { recursive: true, force: true });
      }
    },
    6 * 60_000,
  );
});
