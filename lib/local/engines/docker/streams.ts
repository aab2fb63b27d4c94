/**
 * Container output on the Docker engine: one-off runs, logs and exec, read from the API's multiplexed
 * streams (stdout and stderr in 8-byte-header frames when there is no TTY).
 */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { LocalStepError } from '../../errors';
import type { Following, LogOptions, RunOnceRequest } from '../container-engine';
import { lineSplitter } from '../line-splitter';
import { apiMessage } from './daemon-errors';

export async function createContainer(docker: Docker, body: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  try {
    return await docker.createContainer(body);
  } catch (e) {
    // The daemon's message names the setting it refused; the request body (secrets) is not in it.
    throw new LocalStepError(`create ${body.name}`, `docker create failed: ${apiMessage(e)}`);
  }
}

export async function runOnce(docker: Docker, req: RunOnceRequest): Promise<{ code: number; output: string }> {
  const c = await createContainer(docker, {
    name: `secure-ecs-once-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`,
    Image: req.image,
    User: req.user,
    Entrypoint: req.entrypoint,
    Cmd: req.cmd,
    Env: Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: req.labels,
    Healthcheck: { Test: ['NONE'] },
    HostConfig: {
      Binds: req.binds,
      Tmpfs: Object.fromEntries((req.tmpfs ?? []).map((t) => [t, 'rw,noexec,nosuid,nodev,size=16m'])),
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      CapAdd: req.capAdd,
      SecurityOpt: ['no-new-privileges'],
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await c.start();
    const timeout = new Promise<{ StatusCode: number }>((resolve) => {
      if (req.timeoutMs)
        timer = setTimeout(
          () =>
            void c
              .kill()
              .catch(() => undefined)
              .then(() => resolve({ StatusCode: 124 })),
          req.timeoutMs,
        );
    });
    const { StatusCode } = await Promise.race([c.wait(), timeout]);
    return { code: StatusCode, output: await collectLogs(docker, c) };
  } finally {
    if (timer) clearTimeout(timer);
    await c.remove({ force: true }).catch(() => undefined);
  }
}

async function collectLogs(docker: Docker, c: Docker.Container): Promise<string> {
  const buf = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  let out = '';
  await demux(docker, buf, (chunk) => (out += chunk));
  return out;
}

/** Docker multiplexes stdout and stderr of a container without a TTY in 8-byte-header frames. */
function demux(docker: Docker, source: Buffer | NodeJS.ReadableStream, onChunk: (s: string) => void): Promise<void> {
  const sink = new PassThrough();
  sink.on('data', (d) => onChunk(d.toString()));
  if (Buffer.isBuffer(source)) {
    const input = new PassThrough();
    docker.modem.demuxStream(input, sink, sink);
    input.end(source);
    return new Promise((resolve) => input.on('end', () => setImmediate(resolve)).resume());
  }
  docker.modem.demuxStream(source, sink, sink);
  return new Promise((resolve) => {
    source.on('end', () => resolve());
    source.on('close', () => resolve());
    source.on('error', () => resolve());
  });
}

export function followLogs(docker: Docker, name: string, opts: LogOptions, onLine: (line: string) => void): Following {
  const feed = lineSplitter(onLine);
  let stream: NodeJS.ReadableStream | undefined;
  let stopped = false;
  const since = opts.since ? (/^\d+(\.\d+)?$/.test(opts.since) ? Number(opts.since) : Date.parse(opts.since) / 1000) : undefined;
  const done = (async () => {
    try {
      const c = docker.getContainer(name);
      const base = { stdout: true, stderr: true, ...(since !== undefined ? { since } : {}), ...(opts.tail !== undefined ? { tail: opts.tail } : {}) };
      if (opts.follow) {
        stream = (await c.logs({ ...base, follow: true })) as unknown as NodeJS.ReadableStream;
        if (stopped) {
          (stream as any).destroy?.();
          return;
        }
        await demux(docker, stream, feed.push);
      } else {
        await demux(docker, (await c.logs({ ...base, follow: false })) as unknown as Buffer, feed.push);
      }
    } catch (e) {
      if (!stopped) onLine(`(logs of ${name} unavailable: ${apiMessage(e)})`);
    } finally {
      feed.flush();
    }
  })();
  return {
    stop: () => {
      stopped = true;
      (stream as any)?.destroy?.();
    },
    done,
  };
}

export async function exec(
  docker: Docker,
  name: string,
  cmd: string[],
  opts: { user?: string; timeoutMs?: number } = {},
): Promise<{ code: number; output: string }> {
  const exec = await docker.getContainer(name).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, ...(opts.user ? { User: opts.user } : {}) });
  const stream = await exec.start({ hijack: true, stdin: false });
  let output = '';
  let timer: NodeJS.Timeout | undefined;
  const ended = demux(docker, stream, (s) => (output += s));
  const timeout = opts.timeoutMs
    ? new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          output += `\n(timed out after ${opts.timeoutMs} ms)`;
          stream.destroy();
          resolve();
        }, opts.timeoutMs);
      })
    : new Promise<void>(() => undefined);
  await Promise.race([ended, timeout]);
  if (timer) clearTimeout(timer);
  const info = await exec.inspect();
  return { code: info.ExitCode ?? (info.Running ? 124 : 1), output };
}
