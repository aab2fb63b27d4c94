/**
 * How `secure-ecs sbom` reads files out of an image (ContainerEngine.readImageFiles), on the suite's
 * engine, with an image made here (`import` of a root filesystem built with tar-stream): regular files
 * keyed by their path in the image, symbolic links skipped, an absent path empty; and an image whose
 * path holds more than IMAGE_FILES_MAX_BYTES refused while its archive streams, with nothing of it
 * written to the temporary directory (podman used to copy the whole path there first) and the
 * never-started container removed.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, lstatSync, mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { pack } from 'tar-stream';
import { IMAGE_FILES_MAX_BYTES, type ContainerEngine } from '../../lib/local/engines/container-engine';
import { tempDir } from '../helpers/temp-dir';
import { ROOT, containerIds, engine } from './helpers';

/** The reader, bundled as the CLI is (e2e helpers) so that nothing but it runs in the watched process. */
const READER_BUNDLE = path.join(ROOT, 'node_modules', '.cache', 'secure-ecs-e2e', 'read-image-files.js');

const OVER = IMAGE_FILES_MAX_BYTES + 64 * 1024;
const STATUS = 'Package: base-files\nStatus: install ok installed\nVersion: 13.8\n';
const OS_RELEASE = 'ID=debian\nVERSION_ID="13"\n';
let e: ContainerEngine;
let tag: string;
let reader: string;

/** The image's root filesystem as a tar file, in a directory of its own (removed once imported). */
async function rootfs(file: string): Promise<void> {
  const p = pack();
  const done = pipeline(p, createWriteStream(file));
  p.entry({ name: 'var/lib/dpkg/status.d', type: 'directory' });
  p.entry({ name: 'var/lib/dpkg/status.d/base-files', type: 'file' }, STATUS);
  p.entry({ name: 'var/lib/dpkg/status.d/shadow', type: 'symlink', linkname: '/etc/shadow' });
  p.entry({ name: 'etc/shadow', type: 'file' }, 'root:secret:::\n');
  p.entry({ name: 'usr/lib/os-release', type: 'file' }, OS_RELEASE);
  p.entry({ name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' });
  // One byte stream past the limit, written in 1 MiB pieces.
  const big = p.entry({ name: 'huge/blob', type: 'file', size: OVER });
  const piece = Buffer.alloc(1024 * 1024, 0x61);
  for (let left = OVER; left > 0; left -= piece.length) {
    if (!big.write(left >= piece.length ? piece : piece.subarray(0, left))) await new Promise<void>((r) => big.once('drain', () => r()));
  }
  big.end(() => undefined);
  p.finalize();
  await done;
}

beforeAll(async () => {
  e = await engine();
  await build({
    entryPoints: [path.join(__dirname, 'fixtures', 'read-image-files.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile: READER_BUNDLE,
    logLevel: 'warning',
  });
  reader = READER_BUNDLE;
  // Named by what it holds, so a second run reuses it.
  tag = `localhost/secure-ecs-e2e-image-files:${createHash('sha256').update(`${STATUS}${OS_RELEASE}${OVER}`).digest('hex').slice(0, 16)}`;
  if (await e.imageExists(tag)) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secure-ecs-e2e-rootfs-'));
  try {
    await rootfs(path.join(dir, 'rootfs.tar'));
    await e.importImage(path.join(dir, 'rootfs.tar'), tag);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

const texts = (files: Map<string, Buffer>) => [...files.entries()].map(([k, v]) => [k, v.toString()]);

test('regular files keyed by their path in the image, of a directory or one file; a symbolic link is skipped; an absent path is empty', async () => {
  expect(texts(await e.readImageFiles(tag, '/var/lib/dpkg/status.d'))).toEqual([['/var/lib/dpkg/status.d/base-files', STATUS]]);
  expect(texts(await e.readImageFiles(tag, '/usr/lib/os-release'))).toEqual([['/usr/lib/os-release', OS_RELEASE]]);
  expect((await e.readImageFiles(tag, '/var/lib/dpkg/status')).size).toBe(0);
  expect(await containerIds(`ancestor=${tag}`)).toBe('');
});

test('a path past the byte limit is refused as it streams: none of it is written to the temporary directory, no container is left', async () => {
  const tmp = tempDir('secure-ecs-e2e-tmpdir-');
  // The largest size each file under it reached, as seen at each of its events.
  const largest = new Map<string, number>();
  const watcher = watch(tmp, { recursive: true }, (_event, name) => {
    if (!name) return;
    try {
      const size = lstatSync(path.join(tmp, name)).size;
      largest.set(name, Math.max(size, largest.get(name) ?? 0));
    } catch {
      // already removed
    }
  });
  let out: string;
  try {
    // Its own process, whose os.tmpdir() (and podman's) is the watched directory.
    ({ stdout: out } = await promisify(execFile)(process.execPath, [reader, tag, '/huge'], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
      timeout: 100_000,
    }));
  } finally {
    // Let the events already queued be delivered before the watcher closes.
    await new Promise((r) => setTimeout(r, 200));
    watcher.close();
  }
  expect(JSON.parse(out)).toEqual({ step: `read /huge from ${tag}`, message: `more than ${IMAGE_FILES_MAX_BYTES} bytes` });
  // podman writes a few small files of its own there on every call (its configuration); a copy of
  // the path would be tens of MiB.
  const written = [...largest.values()].reduce((a, b) => a + b, 0);
  expect({ written: written < 1024 * 1024 ? 'under 1 MiB' : [...largest], left: readdirSync(tmp) }).toEqual({ written: 'under 1 MiB', left: [] });
  expect(await containerIds(`ancestor=${tag}`)).toBe('');
}, 120_000);

test('a read interrupted (SIGINT) removes its container before the process exits', async () => {
  // `reading` is printed as the read begins; reading /huge takes a second or so.
  const child = spawn(process.execPath, [reader, tag, '/huge'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.includes('reading\n') && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({ code, stderr: stderr.split('\n').filter((l) => !/^container engine:/.test(l)) }).toEqual({
    code: 130,
    stderr: ['reading', "SIGINT: removing the read's container", ''],
  });
  // Only these tests use the image. A create still in flight when the process exits would make its
  // container afterwards (podman's runs in its own process group): look again after a while.
  expect(await containerIds(`ancestor=${tag}`)).toBe('');
  await new Promise((r) => setTimeout(r, 3000));
  expect(await containerIds(`ancestor=${tag}`)).toBe('');
}, 120_000);
