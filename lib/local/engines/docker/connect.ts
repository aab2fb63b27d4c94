/** Reach the Docker daemon (DOCKER_HOST, the Docker context, the default socket) and read its facts. */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import Docker from 'dockerode';
import { LocalStepError } from '../../errors';
import type { HostFacts } from '../../host/host-facts';
import type { EngineInfo } from '../container-engine';
import { apiMessage } from './daemon-errors';
import { dockerodeOptions, resolveDockerEndpoint, type DockerEndpoint } from './endpoint';

function dockerEndpoint(facts: Pick<HostFacts, 'platform'>): DockerEndpoint {
  return resolveDockerEndpoint({
    env: process.env,
    homeDir: os.homedir(),
    platform: facts.platform,
    readFile: (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined),
    exists: existsSync,
  });
}

/** A daemon that answers, or a LocalStepError saying why not (permission, not running ...). */
export async function reachDaemon(facts: HostFacts, timeoutMs: number): Promise<{ docker: Docker; info: EngineInfo }> {
  const endpoint = dockerEndpoint(facts);
  const docker = new Docker({ ...dockerodeOptions(endpoint), timeout: timeoutMs } as Docker.DockerOptions);
  let info: any;
  try {
    info = await docker.info();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = `${endpoint.host} (${endpoint.source})`;
    if (code === 'EACCES') {
      throw new LocalStepError(
        'container engine',
        `permission denied on ${where}: add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again)`,
      );
    }
    if (code === 'ENOENT' || code === 'ECONNREFUSED') throw new LocalStepError('container engine', `no Docker daemon answers on ${where}`);
    throw new LocalStepError('container engine', `Docker on ${where} does not answer: ${apiMessage(e)}`);
  }
  // A daemon in a VM (Docker Desktop, colima) or elsewhere runs the containers on another kernel.
  const remote = facts.platform !== 'linux' || /Docker Desktop/i.test(String(info.OperatingSystem)) || !endpoint.host.startsWith('unix://');
  return {
    docker: new Docker(dockerodeOptions(endpoint) as Docker.DockerOptions),
    info: {
      kind: 'docker',
      version: String(info.ServerVersion),
      rootless: (info.SecurityOptions ?? []).some((o: string) => o.includes('rootless')),
      cgroupVersion: String(info.CgroupVersion) === '2' ? 2 : 1,
      cgroupDriver: info.CgroupDriver === 'systemd' ? 'systemd' : 'cgroupfs',
      remote,
      endpoint: `${endpoint.host} (${endpoint.source})`,
    },
  };
}
