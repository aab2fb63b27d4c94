/**
 * What an image has installed, read from the image itself through the container engine (nothing in
 * it runs): dpkg's database (/var/lib/dpkg/status, and /var/lib/dpkg/status.d/* where an image
 * keeps one file per package, as distroless images do) and os-release for the distribution.
 */
import type { ContainerEngine } from '../local/engines/container-engine';
import { LocalStepError } from '../local/errors';
import { parseDpkgStatus, type DpkgStatus } from './dpkg-status';
import { distroQualifier } from './os-release';

const DPKG_STATUS = '/var/lib/dpkg/status';
const DPKG_STATUS_DIR = '/var/lib/dpkg/status.d';
// os-release(5): /etc/os-release is usually a symbolic link to this file, which is read first.
const OS_RELEASE = ['/usr/lib/os-release', '/etc/os-release'];

export interface ImagePackages extends DpkgStatus {
  /** `debian-13`, when the image's os-release names it plainly. */
  readonly distro?: string;
}

export async function readImagePackages(engine: ContainerEngine, ref: string): Promise<ImagePackages> {
  const status = await engine.readImageFiles(ref, DPKG_STATUS);
  const statusDir = await engine.readImageFiles(ref, DPKG_STATUS_DIR);
  const texts = [...status.values(), ...statusDir.values()].map((b) => b.toString('utf8'));
  if (texts.length === 0)
    throw new LocalStepError(`read the packages of ${ref}`, `the image has no dpkg database (${DPKG_STATUS}); only Debian-based images are supported`);
  let distro: string | undefined;
  for (const file of OS_RELEASE) {
    const text = [...(await engine.readImageFiles(ref, file)).values()][0];
    if (text) {
      distro = distroQualifier(text.toString('utf8'));
      break;
    }
  }
  return { ...parseDpkgStatus(...texts), ...(distro ? { distro } : {}) };
}
