/**
 * Files out of an image on the Docker engine, without running it: create a container (never started),
 * read the path as the tar archive `docker cp` reads (GET /containers/{id}/archive), remove the
 * container (also on Ctrl-C: read-containers.ts). The archive is read as it arrives, within a byte limit (image-files-tar.ts).
 */
import * as posix from 'node:path/posix';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LocalStepError } from '../../errors';
import { IMAGE_FILES_MAX_BYTES, IMAGE_FILES_TIMEOUT_MS } from '../container-engine';
import { regularFilesOfTar } from '../image-files-tar';
import { readContainerName, withReadContainer } from '../read-containers';
import { apiMessage, statusCode } from './daemon-errors';
import { createContainer } from './streams';

export function readDockerImageFiles(docker: Docker, ref: string, imagePath: string): Promise<Map<string, Buffer>> {
  const step = `read ${imagePath} from ${ref}`;
  const created = createContainer(docker, {
    name: readContainerName(),
    Image: ref,
    // Never started: the command only has to exist for the create call of an image without CMD.
    Entrypoint: ['/never-started'],
    Cmd: [],
    HostConfig: { NetworkMode: 'none' },
  });
  return withReadContainer(
    created,
    (container) => container.remove({ force: true }),
    async (container) => {
      let archive: Readable;
      try {
        // The request itself is bounded by the client's own timeout (connect.ts); the body by `timer`.
        archive = (await container.getArchive({ path: imagePath })) as unknown as Readable;
      } catch (e) {
        if (statusCode(e) === 404) return new Map<string, Buffer>();
        throw new LocalStepError(step, `docker cp failed: ${apiMessage(e)}`);
      }
      const timer = setTimeout(() => archive.destroy(new Error(`timed out after ${IMAGE_FILES_TIMEOUT_MS} ms`)), IMAGE_FILES_TIMEOUT_MS);
      try {
        return await regularFilesOfTar(archive, posix.dirname(imagePath), IMAGE_FILES_MAX_BYTES);
      } catch (e) {
        throw new LocalStepError(step, (e as Error).message);
      } finally {
        clearTimeout(timer);
      }
    },
  );
}

export async function dockerImageIdentity(docker: Docker, ref: string): Promise<{ id: string; repoDigests: string[] } | undefined> {
  try {
    const image = await docker.getImage(ref).inspect();
    return { id: image.Id, repoDigests: image.RepoDigests ?? [] };
  } catch (e) {
    if (statusCode(e) === 404) return undefined;
    throw e;
  }
}
