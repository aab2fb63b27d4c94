/**
 * Where the Docker daemon listens, found the way the docker CLI finds it: DOCKER_HOST, else the
 * current context (DOCKER_CONTEXT, else `currentContext` in ~/.docker/config.json, whose endpoint is
 * in ~/.docker/contexts/meta/<sha256 of the name>/meta.json), else the default socket. colima and
 * Docker Desktop register contexts, so their sockets are found without configuration.
 * https://docs.docker.com/engine/manage-resources/contexts/
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

export interface DockerEndpoint {
  /** `unix:///path`, `tcp://host:port`, `npipe://...` or `ssh://...` */
  readonly host: string;
  /** Where it came from, for messages. */
  readonly source: string;
}

export interface EndpointInputs {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly platform: NodeJS.Platform;
  /** Reads a file's text, or undefined when absent. */
  readonly readFile: (file: string) => string | undefined;
  readonly exists: (file: string) => boolean;
}

/** Resolve the daemon endpoint. Pure given its inputs. */
export function resolveDockerEndpoint(i: EndpointInputs): DockerEndpoint {
  if (i.env.DOCKER_HOST) return { host: i.env.DOCKER_HOST, source: 'DOCKER_HOST' };
  const dockerDir = i.env.DOCKER_CONFIG || path.join(i.homeDir, '.docker');
  let context = i.env.DOCKER_CONTEXT;
  if (!context) {
    try {
      context = JSON.parse(i.readFile(path.join(dockerDir, 'config.json')) ?? '{}').currentContext;
    } catch {
      context = undefined;
    }
  }
  if (context && context !== 'default') {
    const id = createHash('sha256').update(context).digest('hex');
    try {
      const host = JSON.parse(i.readFile(path.join(dockerDir, 'contexts', 'meta', id, 'meta.json')) ?? '{}')?.Endpoints?.docker?.Host;
      if (typeof host === 'string' && host) return { host, source: `docker context ${context}` };
    } catch {
      // a broken context falls through to the default socket, as a name for the message
    }
  }
  if (i.platform === 'win32') return { host: 'npipe:////./pipe/docker_engine', source: 'default pipe' };
  // Docker Desktop on macOS keeps its socket in the home directory (the /var/run link is optional).
  const desktop = path.join(i.homeDir, '.docker', 'run', 'docker.sock');
  if (i.platform === 'darwin' && !i.exists('/var/run/docker.sock') && i.exists(desktop)) return { host: `unix://${desktop}`, source: 'Docker Desktop socket' };
  return { host: 'unix:///var/run/docker.sock', source: 'default socket' };
}

/** dockerode connection options for an endpoint (ssh and npipe included, as docker-modem supports them). */
export function dockerodeOptions(e: DockerEndpoint): Record<string, unknown> {
  const u = e.host;
  if (u.startsWith('unix://')) return { socketPath: u.slice('unix://'.length) };
  if (u.startsWith('npipe://')) return { socketPath: u.slice('npipe://'.length).replace(/\//g, '\\') };
  const url = new URL(u);
  if (url.protocol === 'ssh:') return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || os.userInfo().username };
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || 2375) };
}
