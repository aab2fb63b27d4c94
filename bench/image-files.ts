/**
 * Files the images' Dockerfiles copy in, as the bench reads them to vary them: the text from the
 * build context and where the image has it, so a variant can mount a changed copy over it
 * (variants.ts, withFileOver). Reads the Dockerfile's `COPY <sources...> <destination>` lines only.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ImageFile {
  /** The file as the build context has it. */
  readonly text: string;
  /** Where the image has it. */
  readonly pathInImage: string;
}

/**
 * The file named `name` (e.g. `nginx.conf.template`) that a COPY line of `dockerfile` (its text)
 * copies from the build context in `dir`, whatever folder of the context it is in. A destination
 * ending in `/` is a folder the file keeps its name in.
 */
export function imageFile(dir: string, dockerfile: string, name: string, what: string): ImageFile {
  for (const line of dockerfile.split('\n')) {
    const words = line.trim().split(/\s+/);
    // COPY --from copies from another stage or image, not from the build context; other flags (--chown, --chmod) do not move files.
    if (words[0]?.toUpperCase() !== 'COPY' || words.some((w) => w.startsWith('--from'))) continue;
    const args = words.slice(1).filter((w) => !w.startsWith('--'));
    const sources = args.slice(0, -1);
    const destination = args[args.length - 1];
    const source = sources.find((s) => path.posix.basename(s) === name);
    if (source === undefined) continue;
    if (sources.length > 1 && !destination.endsWith('/'))
      throw new Error(`${what}: COPY of several files to ${destination}, which is not a folder (ends without /)`);
    const pathInImage = destination.endsWith('/') ? `${destination}${path.posix.basename(source)}` : destination;
    return { text: readFileSync(path.join(dir, source), 'utf8'), pathInImage };
  }
  throw new Error(`${what}: the Dockerfile does not COPY ${name}`);
}
