/**
 * Container images for the local task: each CDK image asset is built with the engine from its directory in
 * cdk.out and tagged with its asset hash (the same tag CDK pushes to ECR), so an unchanged asset is
 * never rebuilt. Before a build, each `FROM` image must exist: it is pulled from its registry, and where
 * no registry is reachable a Debian base is built from Debian's archive with mmdebstrap and imported
 * under the name the Dockerfile uses.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import type { ImageSource } from './assembly-task';
import type { ContainerEngine } from './engines/container-engine';
import { LocalStepError } from './errors';
import { cacheDir } from './host/cache-dir';
import { commandExists, type HostFacts } from './host/host-facts';
import { aptInstall } from './host/system-packages';
import { withScratchDir } from './host/scratch-dir';
import type { Reporter } from './progress';
import { runLines } from './run-lines';

/** Local tag of a built asset: the repository names the container, the tag is the asset hash. */
export function assetImageRef(container: string, assetHash: string): string {
  return `localhost/secure-ecs-${container.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}:${assetHash}`;
}

/**
 * The external images a Dockerfile builds FROM: not `scratch`, not an earlier stage, and not a name
 * built from build arguments (the build itself resolves those).
 */
export function baseImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const from of DockerfileParser.parse(dockerfile).getFROMs()) {
    const image = from.getImage();
    const stage = from.getBuildStage();
    if (image && image !== 'scratch' && !image.includes('$') && !stages.has(image.toLowerCase()) && !bases.includes(image)) bases.push(image);
    if (stage) stages.add(stage.toLowerCase());
  }
  return bases;
}

/** The fully qualified reference to pull for a short name, as Docker resolves it (docker.io/library/...). */
export function qualify(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** The Debian suite an official Debian image name stands for (`debian:trixie-slim` -> trixie), if it is one. */
export function debianSuite(image: string): string | undefined {
  const m = /^(?:docker\.io\/)?(?:library\/)?debian:([a-z]+)(?:-slim)?$/.exec(image);
  return m ? m[1] : undefined;
}

/** mmdebstrap arguments for a root filesystem equivalent to the official `debian:<suite>-slim`. */
export function mmdebstrapArgs(suite: string, outTar: string, mirror = 'http://deb.debian.org/debian'): string[] {
  return [
    '--variant=minbase',
    '--include=ca-certificates',
    // The "slim" excludes of the official image (docs, man pages, locales): about 82 MB instead of 120.
    '--dpkgopt=path-exclude=/usr/share/doc/*',
    '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    '--dpkgopt=path-exclude=/usr/share/man/*',
    '--dpkgopt=path-exclude=/usr/share/info/*',
    '--dpkgopt=path-exclude=/usr/share/locale/*',
    '--dpkgopt=path-exclude=/usr/share/lintian/*',
    '--dpkgopt=path-exclude=/usr/share/linda/*',
    '--customize-hook=rm -f "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old',
    suite,
    outTar,
    // The same sources as the official image: the release, its updates and its security archive, so
    // images built on top get security fixes.
    `deb ${mirror} ${suite} main`,
    `deb ${mirror} ${suite}-updates main`,
    `deb ${mirror.replace(/\/debian\/?$/, '/debian-security')} ${suite}-security main`,
  ];
}

/** Make sure `image` exists locally: present, pulled, or (Debian only) built with mmdebstrap. */
export async function ensureBaseImage(engine: ContainerEngine, facts: HostFacts, image: string, reporter: Reporter): Promise<void> {
  if (await engine.imageExists(image)) return;
  const ref = qualify(image);
  const pulled = await reporter
    .step(`base image ${image}: pull ${ref}`, async (s) => {
      await engine.pullImage(ref, (line) => s.update(line));
      return true;
    })
    .catch(() => false);
  if (pulled) {
    // podman keeps the qualified name; Docker the name as pulled. The Dockerfile's FROM uses the short one.
    if (!(await engine.imageExists(image))) throw new LocalStepError(`base image ${image}`, `pulled ${ref}, but the engine does not list it as ${image}`);
    return;
  }

  const suite = debianSuite(image);
  if (!suite) {
    throw new LocalStepError(
      `base image ${image}`,
      `cannot pull ${ref} and there is no local fallback for non-Debian images: make a registry reachable or load the image (${engine.info.kind} load)`,
    );
  }
  if (engine.info.remote) {
    throw new LocalStepError(
      `base image ${image}`,
      `cannot pull ${ref}, and the Debian fallback (mmdebstrap) builds on Linux only, while ${engine.info.kind} runs in a VM here: make a registry reachable`,
    );
  }
  reporter.info(
    `No registry reachable for ${image}: building it from Debian's archive with mmdebstrap (Debian ${suite}, minbase, slim excludes) and importing it as ${image}.`,
  );
  if (!commandExists('mmdebstrap')) await aptInstall(facts, ['mmdebstrap'], `${image} cannot be pulled and mmdebstrap is missing`, reporter);
  mkdirSync(cacheDir(), { recursive: true });
  await withScratchDir(cacheDir(), 'base-', async (work) => {
    const tar = path.join(work, `${suite}.tar`);
    await reporter.step(`base image ${image}: mmdebstrap ${suite}`, async (s) => {
      // As root mmdebstrap uses chroot; otherwise user namespaces (--mode=unshare) need no privileges.
      const mode = facts.uid === 0 ? [] : ['--mode=unshare'];
      const r = await runLines('mmdebstrap', [...mode, ...mmdebstrapArgs(suite, tar)], { onLine: (l) => s.update(l) });
      if (r.code !== 0 || !existsSync(tar)) throw new LocalStepError(`base image ${image}`, `mmdebstrap exited with ${r.code}`, r.tail);
    });
    await reporter.step(`base image ${image}: ${engine.info.kind} import`, () => engine.importImage(tar, image));
  });
}

/**
 * Build (or find) the local image of one container. Returns the image reference and a sentence on
 * where it came from, for the start-up report.
 */
export async function ensureImage(
  engine: ContainerEngine,
  facts: HostFacts,
  container: string,
  source: ImageSource,
  reporter: Reporter,
): Promise<{ ref: string; origin: string }> {
  if (source.registryRef) {
    if (!(await engine.imageExists(source.registryRef))) {
      await reporter.step(`image ${container}: pull ${source.registryRef}`, (s) => engine.pullImage(qualify(source.registryRef!), (l) => s.update(l)));
    }
    return { ref: source.registryRef, origin: 'pulled from its registry' };
  }
  const ref = assetImageRef(container, source.assetHash!);
  const dir = source.directory!;
  if (await engine.imageExists(ref)) {
    reporter.info(`image ${container}: ${ref.replace(/:(.{12}).*/, ':$1…')} is current (cached)`);
    return { ref, origin: `built from the CDK asset ${path.basename(dir)} (cached)` };
  }
  const dockerfile = source.dockerfile ?? 'Dockerfile';
  for (const base of baseImages(readFileSync(path.join(dir, dockerfile), 'utf8'))) await ensureBaseImage(engine, facts, base, reporter);
  await reporter.step(`image ${container}: ${engine.info.kind} build ${path.relative(process.cwd(), dir) || dir}`, (s) =>
    engine.buildImage(
      {
        tag: ref,
        contextDir: dir,
        dockerfile,
        labels: { 'secure-ecs.asset': source.assetHash! },
        buildArgs: source.buildArgs ?? {},
        target: source.target,
        platform: source.platform,
        networkMode: source.networkMode,
      },
      (line) => {
        if (/^(STEP \d+\/\d+|Step \d+\/\d+)/.test(line) || /^(Getting|Copying|Writing|Storing|Get:|Unpacking|Setting up|COMMIT|Successfully)/.test(line))
          s.update(line);
      },
    ),
  );
  return { ref, origin: `built from the CDK asset ${path.basename(dir)}` };
}
