/**
 * Where podman runs: in the runner's own directory, never the caller's (engines/podman/cli.ts,
 * `workDir`: conmon leaves an `oom` file in its working directory). A script stands in for the podman
 * binary and prints its working directory and arguments, so the real spawn path is exercised.
 */
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Podman } from '../../lib/local/engines/podman/cli';
import { buildImage, importImage } from '../../lib/local/engines/podman/images';
import { exec, logs } from '../../lib/local/engines/podman/streams';
import { cacheDir } from '../../lib/local/host/cache-dir';

let scratch: string;
let workDir: string;
let podman: Podman;

beforeAll(() => {
  scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'podman-workdir-test-')));
  workDir = path.join(scratch, 'runner');
  mkdirSync(workDir);
  const bin = path.join(scratch, 'podman');
  writeFileSync(bin, '#!/bin/sh\necho "cwd=$(pwd)"\nfor a in "$@"; do echo "arg=$a"; done\n');
  chmodSync(bin, 0o755);
  podman = new Podman({ PATH: process.env.PATH }, bin, workDir);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cwdOf = (out: string) => /^cwd=(.*)$/m.exec(out)?.[1];
const argsOf = (out: string) => [...out.matchAll(/^arg=(.*)$/gm)].map((m) => m[1]);

test('run, exec and streamed commands start podman in its work directory, not the caller’s', async () => {
  expect(process.cwd()).not.toBe(workDir);
  expect(cwdOf((await podman.run(['ps'])).stdout)).toBe(workDir);
  expect(cwdOf((await exec(podman, 'app', ['true'])).output)).toBe(workDir);
  const lines: string[] = [];
  await podman.stream(['pull', 'x'], (l) => lines.push(l));
  expect(cwdOf(lines.join('\n'))).toBe(workDir);
  const followed: string[] = [];
  await logs(podman, 'app', { follow: true }, (l) => followed.push(l)).done;
  expect(cwdOf(followed.join('\n'))).toBe(workDir);
});

test('the cache directory podman is given paths under is absolute, even with a relative XDG_CACHE_HOME (ignored, as the XDG spec says)', () => {
  const saved = process.env.XDG_CACHE_HOME;
  try {
    process.env.XDG_CACHE_HOME = 'relative/cache';
    expect(cacheDir()).toBe(path.join(os.homedir(), '.cache', 'secure-ecs'));
    process.env.XDG_CACHE_HOME = path.join(scratch, 'xdg');
    expect(cacheDir()).toBe(path.join(scratch, 'xdg', 'secure-ecs'));
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
});

test('host paths given relative to the caller reach podman absolute, resolved against the caller’s directory', async () => {
  const lines: string[] = [];
  await buildImage(podman, { tag: 't', contextDir: 'containers/app', dockerfile: 'Dockerfile', labels: {}, buildArgs: {} }, (l) => lines.push(l));
  const args = argsOf(lines.join('\n'));
  expect(args[args.indexOf('--file') + 1]).toBe(path.resolve('containers/app/Dockerfile'));
  expect(args[args.length - 1]).toBe(path.resolve('containers/app'));

  const seen: string[][] = [];
  const recording = new (class extends Podman {
    override async ok(_step: string, a: string[]): Promise<string> {
      seen.push(a);
      return '';
    }
  })({}, 'podman', workDir);
  await importImage(recording, 'base.tar', 'ref');
  expect(seen[0]).toContain(path.resolve('base.tar'));
});

test('without a work directory podman runs where the caller is (the constructor’s default, for tests and tools)', async () => {
  const plain = new Podman({ PATH: process.env.PATH }, path.join(scratch, 'podman'));
  expect(cwdOf((await plain.run(['ps'])).stdout)).toBe(process.cwd());
});
