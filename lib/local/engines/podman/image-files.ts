/**
 * Files out of an image on podman, without running it: `podman create` (never started), `podman cp
 * CONTAINER:PATH -`, which writes the path as a tar archive to stdout as Docker's archive endpoint
 * does, then `podman rm` (also on Ctrl-C: read-containers.ts). The archive is read as it arrives,
 * within the same byte limit as on Docker (image-files-tar.ts): nothing of the image is written to
 * disk, so a large or hostile image cannot fill it before the limit applies, and no temporary copy
 * can be left behind.
 */
import * as posix from 'node:path/posix';
import { LocalStepError } from '../../errors';
import { IMAGE_FILES_MAX_BYTES, IMAGE_FILES_TIMEOUT_MS, type ImageIdentity } from '../container-engine';
import { ArchiveTooLarge, regularFilesOfTar } from '../image-files-tar';
import { readContainerName, withReadContainer } from '../read-containers';
import type { Podman } from './cli';

export function readPodmanImageFiles(podman: Podman, ref: string, imagePath: string): Promise<Map<string, Buffer>> {
  const step = `read ${imagePath} from ${ref}`;
  const deadline = Date.now() + IMAGE_FILES_TIMEOUT_MS;
  const left = () => Math.max(1000, deadline - Date.now());
  const created = podman.ok(step, ['create', '--name', readContainerName(), '--network', 'none', '--entrypoint', '/never-started', ref], { timeoutMs: left() });
  return withReadContainer(
    created.then((out) => out.trim()),
    (id) => podman.run(['rm', '--force', id], { timeoutMs: 30_000 }),
    async (id) => {
      const cp = podman.pipe(['cp', `${id}:${imagePath}`, '-'], { timeoutMs: left() });
      let files: Map<string, Buffer> | undefined;
      let refused: Error | undefined;
      try {
        files = await regularFilesOfTar(cp.stdout, posix.dirname(imagePath), IMAGE_FILES_MAX_BYTES);
      } catch (e) {
        refused = e as Error;
        cp.kill();
      }
      const r = await cp.done;
      // Past the limit, podman was stopped by us; otherwise its own failure (or the timeout) comes first,
      // since the archive it cut short says less.
      if (r.code !== 0 && !(refused instanceof ArchiveTooLarge)) {
        if (/no such file or directory/i.test(r.stderr)) return new Map<string, Buffer>();
        throw new LocalStepError(step, `podman cp failed: ${r.stderr.split('\n').filter(Boolean).pop() ?? `exit ${r.code}`}`);
      }
      if (refused) throw new LocalStepError(step, refused.message);
      return files ?? new Map<string, Buffer>();
    },
  );
}

export async function podmanImageIdentity(podman: Podman, ref: string): Promise<ImageIdentity | undefined> {
  const r = await podman.run(['image', 'inspect', ref], { timeoutMs: 30_000 });
  if (r.code !== 0) return undefined;
  const image = JSON.parse(r.stdout)[0] ?? {};
  const id = String(image.Id ?? '');
  return { id: id.startsWith('sha256:') ? id : `sha256:${id}`, repoDigests: image.RepoDigests ?? [] };
}
