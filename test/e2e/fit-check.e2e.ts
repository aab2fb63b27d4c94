/**
 * `secure-ecs fit-check` on real third-party images, built here from Debian's archive
 * (test/e2e/fit-check-images/): busybox's httpd run unprivileged on a high port fits, also alone in a
 * scratch image without a shell; Debian's nginx
 * and apache2 as packaged do not (root, port 80, chown and setrlimit at start, writes under /var/lib,
 * /run); nginx made unprivileged still writes three directories, which the check names, and its
 * second run shows what declaring them does, before and after the directories' mode is fixed. Every
 * run must leave no container behind, also on the time limit and on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerEngine } from '../../lib/local/engines/container-engine';
import { hostFacts } from '../../lib/local/host/host-facts';
import { ensureBaseImage } from '../../lib/local/images';
import { FIT_CHECK_LABEL_KEY } from '../../lib/local/labels';
import { ROOT, buildCli, engine, quiet } from './helpers';

const IMAGES = path.join(ROOT, 'test', 'e2e', 'fit-check-images');
const CLI_BUNDLE = path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-e2e', 'secure-ecs.js');
let e: ContainerEngine;
const tags: Record<string, string> = {};

/** Build test/e2e/fit-check-images/<name> unless an image of the same Dockerfile (and base) exists. */
async function image(name: string, buildArgs: Record<string, string> = {}): Promise<string> {
  const dockerfile = readFileSync(path.join(IMAGES, name, 'Dockerfile'), 'utf8');
  const hash = createHash('sha256').update(dockerfile).update(JSON.stringify(buildArgs)).digest('hex').slice(0, 16);
  const tag = `localhost/secure-ecs-fit-check-${name}:${hash}`;
  if (!(await e.imageExists(tag)))
    await e.buildImage(
      { tag, contextDir: path.join(IMAGES, name), dockerfile: 'Dockerfile', labels: { 'secure-ecs.e2e': 'fit-check' }, buildArgs },
      () => undefined,
    );
  return tag;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  pid: number;
}

/** `secure-ecs fit-check ARGS` on the suite's engine; `interruptWhen` sends SIGINT once stderr matches it. */
function fitCheck(args: string[], interruptWhen?: RegExp): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, 'fit-check', '--engine', e.info.kind, ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (interruptWhen && !interrupted && interruptWhen.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, pid: child.pid ?? 0 });
    });
  });
}

/** Nothing of the run is left: neither container nor the task's namespace owner (pause container or pod). */
async function expectNothingLeft(pid: number): Promise<void> {
  for (const pass of ['overlay', 'readonly']) {
    const name = `secure-ecs-fit-${pid}-${pass}`;
    expect(await e.listContainers(FIT_CHECK_LABEL_KEY, name)).toEqual([]);
    expect(await e.taskExists(name)).toBe('absent');
  }
}

const json = (r: Run) => JSON.parse(r.stdout);
const findingIds = (r: Run) => json(r).findings.map((f: { id: string }) => f.id);
const evidenceOf = (r: Run, id: string) =>
  json(r)
    .findings.filter((f: { id: string }) => f.id === id)
    .flatMap((f: { evidence: string[] }) => f.evidence)
    .join('\n');

beforeAll(async () => {
  e = await engine();
  await buildCli();
  await ensureBaseImage(e, hostFacts(), 'debian:trixie-slim', quiet);
  for (const name of ['busybox', 'scratch-busybox', 'nginx', 'apache2', 'nginx-unprivileged']) tags[name] = await image(name);
  tags['nginx-declared'] = await image('nginx-declared', { BASE: tags['nginx-unprivileged'] });
}, 20 * 60_000);

describe('secure-ecs fit-check on images built from Debian packages', () => {
  test('busybox httpd, unprivileged on 8080: fits (exit 0), answers 200, writes nothing', async () => {
    const r = await fitCheck([tags.busybox, '--json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ fits: true, port: 8080, user: '65534:65534', findings: [], writablePaths: [] });
    expect(json(r).probes).toEqual([expect.objectContaining({ path: '/', status: 200 })]);
    // The second run, with the read-only root, answered the same.
    expect(json(r).confirmation).toMatchObject({ declared: [], sameAnswers: true, probes: [expect.objectContaining({ status: 200 })] });
    await expectNothingLeft(r.pid);
  });

  test('busybox alone in a scratch image (no sh, no sleep): fits too; the helpers run from the project base image', async () => {
    const r = await fitCheck([tags['scratch-busybox'], '--json']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ fits: true, findings: [], writablePaths: [], confirmation: { sameAnswers: true } });
    await expectNothingLeft(r.pid);
  });

  test("Debian's nginx as packaged: root, port 80, chown refused, /var/lib/nginx written; exit 1", async () => {
    const r = await fitCheck([tags.nginx, '--json']);
    expect(r.code).toBe(1);
    expect(findingIds(r)).toEqual(['root-user', 'low-port', 'writes-paths', 'refused-operation', 'not-answering']);
    expect(json(r).port).toBe(80);
    expect(json(r).writablePaths).toEqual([{ path: '/var/lib/nginx', inImage: true, examples: ['/var/lib/nginx/body'], count: 1 }]);
    expect(evidenceOf(r, 'refused-operation')).toMatch(/chown\("\/var\/lib\/nginx\/body", 33\) failed \(1: Operation not permitted\)/);
    expect(json(r).findings.find((f: { id: string }) => f.id === 'refused-operation').title).toMatch(/CAP_CHOWN/);
    await expectNothingLeft(r.pid);
  });

  test("Debian's apache2 as packaged: root, port 80, ulimit and chown refused, /run/apache2 written", async () => {
    const r = await fitCheck([tags.apache2, '--json']);
    expect(r.code).toBe(1);
    // /run/apache2 is under /run, which app.writablePaths refuses: apache2 must be configured to write elsewhere.
    expect(findingIds(r)).toEqual(expect.arrayContaining(['root-user', 'low-port', 'writes-undeclarable-path', 'refused-operation', 'not-answering']));
    expect(json(r).writablePaths.map((d: { path: string }) => d.path)).toEqual(['/run/apache2']);
    expect(json(r).writablePaths[0].examples[0]).toMatch(/^\/run\/apache2\/socks\./);
    const refused = evidenceOf(r, 'refused-operation');
    // podman 4.3's log can join pieces of stdout and stderr lines in another order: parts are matched, not whole lines.
    expect(refused).toMatch(/ulimit: error setting limit/);
    expect(refused).toMatch(/changing ownership of '\/var\/run\/apache2\/socks\./);
    expect(refused).toMatch(/Operation not permitted/);
    const titles = json(r)
      .findings.filter((f: { id: string }) => f.id === 'refused-operation')
      .map((f: { title: string }) => f.title)
      .join('\n');
    expect(titles).toMatch(/CAP_CHOWN/);
    await expectNothingLeft(r.pid);
  });

  test('nginx made unprivileged: the two directories it writes, the snippet, and a second run that shows the tmpfs mode problem', async () => {
    const r = await fitCheck([tags['nginx-unprivileged'], '--json', '--path', '/', '--path', '/no-such-page']);
    expect(r.code).toBe(1);
    const doc = json(r);
    expect(doc.probes.map((p: { status: number }) => p.status)).toEqual([200, 404]);
    expect(doc.writablePaths.map((d: { path: string }) => d.path)).toEqual(['/var/lib/nginx', '/var/log/nginx']);
    expect(doc.writablePaths[1].examples).toEqual(expect.arrayContaining(['/var/log/nginx/access.log']));
    expect(doc.settingsSnippet).toEqual({
      app: {
        writablePaths: [
          { path: '/var/lib/nginx', sizeMiB: 16 },
          { path: '/var/log/nginx', sizeMiB: 16 },
        ],
      },
    });
    // The directories belong to www-data in the image, but the tmpfs on each belongs to root with mode 0755.
    expect(doc.confirmation).toMatchObject({ declared: ['/var/lib/nginx', '/var/log/nginx'], sameAnswers: false });
    expect(evidenceOf(r, 'read-only-confirmation-failed')).toMatch(/mkdir\(\) "\/var\/lib\/nginx\/\w+" failed \(13: Permission denied\)/);
    await expectNothingLeft(r.pid);
  });

  test('with those directories mode 1777 in the image, the read-only run with only them writable answers as before', async () => {
    const r = await fitCheck([tags['nginx-declared'], '--path', '/', '--path', '/no-such-page']);
    expect(r.code).toBe(1); // it still needs the paths declared
    expect(r.stdout).toMatch(/Confirmed: with a read-only root and only \/tmp, \/var\/lib\/nginx, \/var\/log\/nginx writable, it answered as before/);
    expect(r.stdout).toMatch(/"path": "\/var\/log\/nginx"/);
    await expectNothingLeft(r.pid);
  });

  test('a port nothing listens on: not answering within --timeout, exit 1, container removed', async () => {
    const r = await fitCheck([tags.busybox, '--port', '9999', '--timeout', '3', '--json']);
    expect(r.code).toBe(1);
    expect(findingIds(r)).toEqual(['not-answering']);
    expect(json(r).findings[0].title).toBe('did not answer HTTP within 3 s');
    await expectNothingLeft(r.pid);
  });

  test('Ctrl-C while it waits for an answer: exit 130, container removed', async () => {
    const r = await fitCheck([tags.busybox, '--port', '9999', '--timeout', '120'], /waiting for an answer|first run/);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: removing the check's containers/);
    await expectNothingLeft(r.pid);
  });
});
