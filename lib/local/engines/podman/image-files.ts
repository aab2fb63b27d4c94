/**
 * Files out of an image on podman, without running it: `podman create` (never started), `podman cp`
 * of the path into a private temporary directory, `podman rm`. The copy is untrusted: only regular
 * files are read back (symbolic links are not followed), up to a byte limit, and the directory is removed.
 */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as posix from 'node:path/posix';
import { LocalStepError } from '../../errors';
import { IMAGE_FILES_MAX_BYTES, IMAGE_FILES_TIMEOUT_MS, type ImageIdentity } from '../container-engine';
import type { Podman } from './cli';

/** Regular files under `dir` (or `dir` itself), keyed by `base` joined with their path relative to `root`. */
function regularFiles(root: string, rel: string, base: string, out: Map<string, Buffer>, budget: { bytes: number }): void {
  const full = path.join(root, rel);
  const stat = lstatSync(full);
  if (stat.isDirectory()) {
    for (const name of readdirSync(full).sort()) regularFiles(root, path.join(rel, name), base, out, budget);
  } else if (stat.isFile()) {
    budget.bytes -= stat.size;
    if (budget.bytes < 0) throw new Error(`more than ${IMAGE_FILES_MAX_BYTES} bytes`);
    out.set(posix.join(base, rel.split(path.sep).join('/')), readFileSync(full));
  }
}

export async function readPodmanImageFiles(podman: Podman, ref: string, imagePath: string): Promise<Map<string, Buffer>> {
  const step = `read ${imagePath} from ${ref}`;
  const deadline = Date.now() + IMAGE_FILES_TIMEOUT_MS;
  const left = () => Math.max(1000, deadline - Date.now());
  const id = (await podman.ok(step, ['create', '--network', 'none', '--entrypoint', '/never-started', ref], { timeoutMs: left() })).trim();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secure-ecs-files-'));
  try {
    const r = await podman.run(['cp', `${id}:${imagePath}`, dir], { timeoutMs: left() });
    if (r.code !== 0) {
      if (/no such file or directory/i.test(r.stderr)) return new Map();
      throw new LocalStepError(step, `podman cp failed: ${r.stderr.split('\n').filter(Boolean).pop() ?? `exit ${r.code}`}`);
    }
    const files = new Map<string, Buffer>();
    const name = posix.basename(imagePath);
    try {
      regularFiles(dir, name, posix.dirname(imagePath), files, { bytes: IMAGE_FILES_MAX_BYTES });
    } catch (e) {
      throw new LocalStepError(step, (e as Error).message);
    }
    return files;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await podman.run(['rm', '--force', id], { timeoutMs: 30_000 });
  }
}

export async function podmanImageIdentity(podman: Podman, ref: string): Promise<ImageIdentity | undefined> {
  const r = await podman.run(['image', 'inspect', ref], { timeoutMs: 30_000 });
  if (r.code !== 0) return undefined;
  const image = JSON.parse(r.stdout)[0] ?? {};
  const id = String(image.Id ?? '');
  return { id: id.startsWith('sha256:') ? id : `sha256:${id}`, repoDigests: image.RepoDigests ?? [] };
}
