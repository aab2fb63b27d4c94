/**
 * Files out of an image on the Docker engine, without running it: create a container (never started),
 * read the path as the tar archive `docker cp` reads (GET /containers/{id}/archive), remove the
 * container. The archive is read as it arrives, within a byte limit (image-files-tar.ts).
 */
import * as posix from 'node:path/posix';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LocalStepError } from '../../errors';
import { IMAGE_FILES_MAX_BYTES, IMAGE_FILES_TIMEOUT_MS } from '../container-engine';
import { regularFilesOfTar } from '../image-files-tar';
import { apiMessage, statusCode } from './daemon-errors';
import { createContainer } from './streams';

export async function readDockerImageFiles(docker: Docker, ref: string, imagePath: string): Promise<Map<string, Buffer>> {
  const step = `read ${imagePath} from ${ref}`;
  const container = await createContainer(docker, {
    name: `secure-ecs-files-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`,
    Image: ref,
    // Never started: the command only has to exist for the create call of an image without CMD.
    Entrypoint: ['/never-started'],
    Cmd: [],
    HostConfig: { NetworkMode: 'none' },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    let archive: Readable;
    try {
      // The request itself is bounded by the client's own timeout (connect.ts); the body by `timer`.
      archive = (await container.getArchive({ path: imagePath })) as unknown as Readable;
    } catch (e) {
      if (statusCode(e) === 404) return new Map<string, Buffer>();
      throw new LocalStepError(step, `docker cp failed: ${apiMessage(e)}`);
    }
    timer = setTimeout(() => archive.destroy(new Error(`timed out after ${IMAGE_FILES_TIMEOUT_MS} ms`)), IMAGE_FILES_TIMEOUT_MS);
    try {
      return await regularFilesOfTar(archive, posix.dirname(imagePath), IMAGE_FILES_MAX_BYTES);
    } catch (e) {
      throw new LocalStepError(step, (e as Error).message);
    }
  } finally {
    if (timer) clearTimeout(timer);
    await container.remove({ force: true }).catch(() => undefined);
  }
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
