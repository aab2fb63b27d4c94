/**
 * Container images for the local task: each CDK image asset is built with podman from its directory in
 * cdk.out and tagged with its asset hash (the same tag CDK pushes to ECR), so an unchanged asset is
 * never rebuilt. Before a build, each `FROM` image must exist: it is pulled from its registry, and where
 * no registry is reachable a Debian base is built from Debian's archive with mmdebstrap and imported
 * under the name the Dockerfile uses.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { ImageSource } from './cloud-assembly';
import { aptInstall, cacheDir, commandExists } from './engine';
import { LocalStepError } from './errors';
import type { Podman } from './podman';
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
  // Join continuation lines, drop comments.
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of lines) {
    const m = /^\s*FROM\s+(.*)$/i.exec(raw);
    if (!m) continue;
    const words = m[1].trim().split(/\s+/).filter((w) => !w.startsWith('--'));
    const image = words[0];
    if (words[1]?.toLowerCase() === 'as' && words[2]) stages.add(words[2].toLowerCase());
    if (!image || image === 'scratch' || image.includes('$') || stages.has(image.toLowerCase())) continue;
    if (!bases.includes(image)) bases.push(image);
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
export async function ensureBaseImage(podman: Podman, image: string, reporter: Reporter): Promise<void> {
  if ((await podman.run(['image', 'exists', image])).code === 0) return;
  const ref = qualify(image);
  const pulled = await reporter.step(`base image ${image}: pull ${ref}`, async (s) => {
    const r = await podman.stream(['pull', ref], (line) => s.update(line), { timeoutMs: 10 * 60_000 });
    if (r.code === 0) return true;
    s.update(r.tail.filter((l) => /error/i.test(l)).pop() ?? `exit ${r.code}`);
    return false;
  }).catch(() => false);
  if (pulled) return;

  const suite = debianSuite(image);
  if (!suite) {
    throw new LocalStepError(`base image ${image}`, `cannot pull ${ref} and there is no local fallback for non-Debian images: make a registry reachable or load the image (podman load)`);
  }
  reporter.info(`No registry reachable for ${image}: building it from Debian's archive with mmdebstrap (Debian ${suite}, minbase, slim excludes) and importing it as ${image}.`);
  if (!commandExists('mmdebstrap')) await aptInstall(['mmdebstrap'], `${image} cannot be pulled and mmdebstrap is missing`, reporter);
  const work = mkdtempSync(path.join(cacheDir(), 'base-'));
  try {
    const tar = path.join(work, `${suite}.tar`);
    await reporter.step(`base image ${image}: mmdebstrap ${suite}`, async (s) => {
      // As root mmdebstrap uses chroot; otherwise user namespaces (--mode=unshare) need no privileges.
      const mode = process.getuid?.() === 0 ? [] : ['--mode=unshare'];
      const r = await runLines('mmdebstrap', [...mode, ...mmdebstrapArgs(suite, tar)], { onLine: (l) => s.update(l) });
      if (r.code !== 0 || !existsSync(tar)) throw new LocalStepError(`base image ${image}`, `mmdebstrap exited with ${r.code}`, r.tail);
    });
    await reporter.step(`base image ${image}: podman import`, async () => {
      // The official image's only config is CMD ["bash"].
      await podman.ok(`base image ${image}`, ['import', '--change', 'CMD ["bash"]', '--message', 'debian minbase by secure-ecs local (mmdebstrap)', tar, image]);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}


/**
 * Build (or find) the local image of one container. Returns the image reference and a sentence on
 * where it came from, for the start-up report.
 */
export async function ensureImage(podman: Podman, container: string, source: ImageSource, reporter: Reporter): Promise<{ ref: string; origin: string }> {
  if (source.registryRef) {
    if ((await podman.run(['image', 'exists', source.registryRef])).code !== 0) {
      await reporter.step(`image ${container}: pull ${source.registryRef}`, async (s) => {
        const r = await podman.stream(['pull', qualify(source.registryRef!)], (l) => s.update(l));
        if (r.code !== 0) throw new LocalStepError(`image ${container}`, `cannot pull ${source.registryRef}`, r.tail.slice(-5));
      });
    }
    return { ref: source.registryRef, origin: 'pulled from its registry' };
  }
  const ref = assetImageRef(container, source.assetHash!);
  const dir = source.directory!;
  if ((await podman.run(['image', 'exists', ref])).code === 0) {
    reporter.info(`image ${container}: ${ref.replace(/:(.{12}).*/, ':$1…')} is current (cached)`);
    return { ref, origin: `built from the CDK asset ${path.basename(dir)} (cached)` };
  }
  const dockerfile = path.join(dir, source.dockerfile ?? 'Dockerfile');
  for (const base of baseImages(readFileSync(dockerfile, 'utf8'))) await ensureBaseImage(podman, base, reporter);
  await reporter.step(`image ${container}: podman build ${path.relative(process.cwd(), dir) || dir}`, async (s) => {
    const args = [
      'build',
      // podman drops HEALTHCHECK from OCI-format images; the docker format keeps the image config as
      // `docker build` (what `cdk deploy` runs) writes it.
      '--format', 'docker',
      '--tag', ref,
      '--label', `secure-ecs.asset=${source.assetHash}`,
      '--file', dockerfile,
      ...(source.platform ? ['--platform', source.platform] : []),
      ...(source.target ? ['--target', source.target] : []),
      ...(source.networkMode ? ['--network', source.networkMode] : []),
      ...Object.entries(source.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      dir,
    ];
    const r = await podman.stream(args, (line) => {
      if (/^STEP \d+\/\d+/.test(line) || /^(Getting|Copying|Writing|Storing|Get:|Unpacking|Setting up|COMMIT)/.test(line)) s.update(line);
    });
    if (r.code !== 0) throw new LocalStepError(`image ${container}`, `podman build exited with ${r.code}`, r.tail.slice(-25));
  });
  return { ref, origin: `built from the CDK asset ${path.basename(dir)}` };
}
