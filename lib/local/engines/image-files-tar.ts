/**
 * The archive both engines hand out for a path in a container (Docker's GET /containers/{id}/archive,
 * `podman cp CONTAINER:PATH -`), read as it arrives: it is untrusted, so only regular files are kept,
 * in memory, and the whole stream is capped, so an image cannot make the reader fill memory or disk.
 */
import * as posix from 'node:path/posix';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';

/** The archive went past the byte limit (the reader stopped there). */
export class ArchiveTooLarge extends Error {}

/** The regular files of a tar stream, keyed by `base` joined with each entry's name; over `maxBytes` fails. */
export function regularFilesOfTar(archive: Readable, base: string, maxBytes: number): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    let total = 0;
    const tar = extract();
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        total += chunk.length;
        if (total > maxBytes) tar.destroy(new ArchiveTooLarge(`more than ${maxBytes} bytes`));
        else if (header.type === 'file') chunks.push(chunk);
      });
      stream.on('end', () => {
        if (header.type === 'file') files.set(posix.join(base, posix.normalize(`/${header.name}`)), Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    tar.on('finish', () => resolve(files));
    tar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(tar);
  });
}
