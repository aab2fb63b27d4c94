/** Images on the Docker engine: look up, pull, build (the legacy builder's context upload), import. */
import { createReadStream, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { LocalStepError } from '../../errors';
import { exposedTcpPorts, type BuildRequest, type ImageConfig } from '../container-engine';
import { apiMessage, statusCode as status } from './daemon-errors';

/** Every file under `dir`, relative to it: the build context (tar-fs packs exactly the entries listed). */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, p) : [p];
  });
}

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (e) {
    if (status(e) === 404) return false;
    throw e;
  }
}

export async function pullImage(docker: Docker, ref: string, onLine: (line: string) => void): Promise<void> {
  try {
    const stream = await docker.pull(ref);
    await followProgress(docker, stream as unknown as NodeJS.ReadableStream, onLine);
  } catch (e) {
    throw new LocalStepError(`pull ${ref}`, apiMessage(e));
  }
}

export async function buildImage(docker: Docker, req: BuildRequest, onLine: (line: string) => void): Promise<void> {
  const tail: string[] = [];
  try {
    const stream = await docker.buildImage({ context: req.contextDir, src: filesUnder(req.contextDir) }, {
      t: req.tag,
      dockerfile: req.dockerfile,
      labels: req.labels,
      buildargs: req.buildArgs,
      ...(req.target ? { target: req.target } : {}),
      ...(req.platform ? { platform: req.platform } : {}),
      ...(req.networkMode ? { networkmode: req.networkMode } : {}),
      rm: true,
      forcerm: true,
    } as any);
    await followProgress(docker, stream as unknown as NodeJS.ReadableStream, (raw) => {
      // The legacy builder colours stderr lines with terminal escapes (ESC [ ... m).
      // eslint-disable-next-line no-control-regex -- the escape character is what is matched
      const l = raw.replace(/\x1b\[[0-9;]*m/g, '');
      if (!l.trim()) return;
      tail.push(l);
      if (tail.length > 25) tail.shift();
      onLine(l);
    });
  } catch (e) {
    throw new LocalStepError(`build ${req.tag}`, `docker build failed: ${apiMessage(e)}`, tail);
  }
}

/** Follow a JSON progress stream (pull, build); an `error` entry rejects. */
function followProgress(docker: Docker, stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (e: any) => {
        if (e.error) return reject(new Error(e.errorDetail?.message ?? e.error));
        const text = String(e.stream ?? [e.status, e.progress].filter(Boolean).join(' ')).trimEnd();
        for (const l of text.split('\n')) if (l.trim()) onLine(l);
      },
    );
  });
}

export async function importImage(docker: Docker, tarFile: string, ref: string): Promise<void> {
  const [repo, tag] = ref.includes(':') ? [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)] : [ref, 'latest'];
  try {
    const stream: NodeJS.ReadableStream = await (docker.importImage as any)(createReadStream(tarFile), {
      repo,
      tag,
      changes: 'CMD ["bash"]',
      message: 'debian minbase by secure-ecs local (mmdebstrap)',
    });
    await followProgress(docker, stream, () => undefined);
  } catch (e) {
    throw new LocalStepError(`import ${ref}`, apiMessage(e));
  }
}

export async function imageConfig(docker: Docker, ref: string): Promise<ImageConfig | undefined> {
  try {
    const cfg = (await docker.getImage(ref).inspect()).Config ?? ({} as any);
    return {
      cmd: cfg.Cmd ?? [],
      entrypoint: (cfg.Entrypoint as string[] | null) ?? [],
      user: cfg.User ?? '',
      exposedTcpPorts: exposedTcpPorts(cfg.ExposedPorts),
    };
  } catch {
    return undefined;
  }
}
