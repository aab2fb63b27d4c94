/**
 * Images on podman: look up, pull, build (in Docker's image format), import. Host paths are made
 * absolute here: podman runs in its own working directory (cli.ts, `workDir`), not the caller's.
 */
import * as path from 'node:path';
import { LocalStepError } from '../../errors';
import { exposedTcpPorts, type BuildRequest, type ImageConfig } from '../container-engine';
import type { Podman } from './cli';

export async function imageExists(podman: Podman, ref: string): Promise<boolean> {
  return (await podman.run(['image', 'exists', ref])).code === 0;
}

export async function pullImage(podman: Podman, ref: string, onLine: (line: string) => void): Promise<void> {
  const r = await podman.stream(['pull', ref], onLine, { timeoutMs: 10 * 60_000 });
  if (r.code !== 0)
    throw new LocalStepError(`pull ${ref}`, r.tail.filter((l) => /error/i.test(l)).pop() ?? `podman pull exited with ${r.code}`, r.tail.slice(-5));
}

export async function buildImage(podman: Podman, req: BuildRequest, onLine: (line: string) => void): Promise<void> {
  const contextDir = path.resolve(req.contextDir);
  const args = [
    'build',
    // podman drops HEALTHCHECK from OCI-format images; the docker format keeps the image config as
    // `docker build` (what `cdk deploy` runs) writes it.
    '--format',
    'docker',
    '--tag',
    req.tag,
    ...Object.entries(req.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    '--file',
    path.join(contextDir, req.dockerfile),
    ...(req.platform ? ['--platform', req.platform] : []),
    ...(req.target ? ['--target', req.target] : []),
    ...(req.networkMode ? ['--network', req.networkMode] : []),
    ...Object.entries(req.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    contextDir,
  ];
  const r = await podman.stream(args, onLine);
  if (r.code !== 0) throw new LocalStepError(`build ${req.tag}`, `podman build exited with ${r.code}`, r.tail.slice(-25));
}

export async function importImage(podman: Podman, tarFile: string, ref: string): Promise<void> {
  // The official Debian image's only config is CMD ["bash"].
  await podman.ok(`import ${ref}`, [
    'import',
    '--change',
    'CMD ["bash"]',
    '--message',
    'debian minbase by secure-ecs local (mmdebstrap)',
    path.resolve(tarFile),
    ref,
  ]);
}

export async function imageConfig(podman: Podman, ref: string): Promise<ImageConfig | undefined> {
  const r = await podman.run(['image', 'inspect', ref]);
  if (r.code !== 0) return undefined;
  const cfg = JSON.parse(r.stdout)[0]?.Config ?? {};
  return { cmd: cfg.Cmd ?? [], entrypoint: cfg.Entrypoint ?? [], user: cfg.User ?? '', exposedTcpPorts: exposedTcpPorts(cfg.ExposedPorts) };
}
