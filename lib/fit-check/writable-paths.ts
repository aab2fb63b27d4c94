/**
 * From what a program wrote (the engine's diff of the container against its image) to the
 * directories to declare as `app.writablePaths`: the confinement follows from the behaviour, as bane
 * writes an AppArmor profile from what a program does (the seed chapter). Pure; unit-tested in
 * test/fit-check/writable-paths.test.ts.
 *
 * A diff lists every ancestor of a written path as changed (`C /var`, `C /var/lib`, `A
 * /var/lib/nginx/body`), and cannot tell a file from an empty directory. So each written path that
 * is no ancestor of another (a leaf) is traced up to the top-most directory the program created
 * itself; that directory is declared when the program filled it (it is surely a directory), else
 * the directory it was created in. Narrower is better: a tmpfs hides what the image has at its path.
 */
import * as path from 'node:path';
import { isWithin } from '../constructs/app-shape';
import type { FilesystemChange } from '../local/engines/container-engine';

/**
 * Paths every container has that the engine, not the program, made: Docker's init binary mounted
 * for `--init` at /sbin/docker-init (moby daemon/oci_linux.go, inContainerInitPath; it shows as
 * added in `docker diff`, checked on Docker 20.10, under /usr/sbin where /sbin links there), podman's
 * init and container marker, the files both engines bind-mount over the image, and the passwd and
 * group entries podman adds for a numeric user the image does not list (podman-run(1), --passwd;
 * seen as `C /etc/passwd` in a scratch image on podman 4.3). A program that edits those itself is
 * not reported: a rare case, and one that fails loudly on the read-only second run.
 */
const ENGINE_PATHS = [
  '/sbin/docker-init',
  '/usr/sbin/docker-init',
  '/etc/passwd',
  '/etc/group',
  '/run/podman-init',
  '/run/.containerenv',
  '/.dockerenv',
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
];
/** Kernel and device filesystems: mounts of their own, never the image. */
const MOUNTED_BY_ENGINE = ['/dev', '/proc', '/sys'];
/**
 * Directories a tmpfs must not replace: the image's programs, libraries and configuration live
 * there (or they are the parent of everything). A program that writes directly into one needs its
 * own directory instead.
 */
const SHARED_DIRECTORIES = new Set([
  '/',
  '/bin',
  '/boot',
  '/etc',
  '/home',
  '/lib',
  '/lib32',
  '/lib64',
  '/opt',
  '/root',
  '/sbin',
  '/srv',
  '/usr',
  '/usr/local',
  '/usr/lib',
  '/usr/share',
  '/var',
  '/var/lib',
]);

/** Most written paths kept per directory (the count says how many there were). */
const MAX_EXAMPLES = 10;

export interface WritableDirectory {
  /** The directory to declare. */
  readonly path: string;
  /** It exists in the image: a tmpfs there starts empty and hides the image's files under it. */
  readonly inImage: boolean;
  /** Written paths under it, sorted, at most MAX_EXAMPLES. */
  readonly examples: string[];
  readonly count: number;
}

export interface WriteAnalysis {
  /** Directories to declare, sorted. */
  readonly declare: WritableDirectory[];
  /** Writes directly into a directory a tmpfs must not replace (SHARED_DIRECTORIES). */
  readonly intoSharedDirectories: WritableDirectory[];
}

/** A diff path as a clean absolute path, or undefined when it is none (the engine's output is input too). */
function clean(p: string): string | undefined {
  if (!p.startsWith('/') || p.length > 4096) return undefined;
  const n = path.posix.normalize(p);
  return n.length > 1 ? n.replace(/\/$/, '') : n;
}

/**
 * The directories to declare for `changes`. `mounted` are the container's own writable mounts
 * (`/tmp`): writes there are not in the diff, and their mount points are the engine's.
 */
export function writablePathsFromDiff(changes: readonly FilesystemChange[], mounted: readonly string[] = []): WriteAnalysis {
  const kinds = new Map<string, FilesystemChange['kind']>();
  for (const c of changes) {
    const p = clean(c.path);
    if (p !== undefined && p !== '/') kinds.set(p, c.kind);
  }
  const all = [...kinds.keys()].sort();
  // Sorted, a path's descendants follow it directly: it is an ancestor when the next one is under it.
  // The engine's own paths count here, so the directories they changed (`C /usr/sbin` for Docker's
  // init) are no leaves; then they are left out.
  const leaves = all.filter(
    (p, i) =>
      !(i + 1 < all.length && all[i + 1].startsWith(`${p}/`)) &&
      !ENGINE_PATHS.includes(p) &&
      !MOUNTED_BY_ENGINE.some((m) => isWithin(p, m)) &&
      !mounted.some((m) => isWithin(p, m)) &&
      // A shared directory changed with nothing changed under it: its own metadata, from the
      // engine's mounts in it (podman 4.3 shows `C /etc` and no more, measured).
      !(kinds.get(p) === 'changed' && SHARED_DIRECTORIES.has(p)),
  );

  const byDirectory = new Map<string, string[]>();
  for (const leaf of leaves) {
    let dir: string;
    if (kinds.get(leaf) === 'added') {
      let top = leaf;
      while (kinds.get(path.posix.dirname(top)) === 'added') top = path.posix.dirname(top);
      dir = top !== leaf ? top : path.posix.dirname(leaf);
    } else {
      dir = path.posix.dirname(leaf);
    }
    (byDirectory.get(dir) ?? byDirectory.set(dir, []).get(dir)!).push(leaf);
  }

  // A directory inside another one to declare is covered by it.
  const dirs = [...byDirectory.keys()].sort();
  const merged = new Map<string, string[]>();
  for (const d of dirs) {
    const outer = [...merged.keys()].find((m) => !SHARED_DIRECTORIES.has(m) && isWithin(d, m));
    if (outer) merged.get(outer)!.push(...byDirectory.get(d)!);
    else merged.set(d, [...byDirectory.get(d)!]);
  }
  const entries = [...merged.entries()].map(([dir, written]): WritableDirectory => {
    const sorted = [...new Set(written)].sort();
    return { path: dir, inImage: kinds.get(dir) !== 'added', examples: sorted.slice(0, MAX_EXAMPLES), count: sorted.length };
  });
  return {
    declare: entries.filter((e) => !SHARED_DIRECTORIES.has(e.path)),
    intoSharedDirectories: entries.filter((e) => SHARED_DIRECTORIES.has(e.path)),
  };
}
