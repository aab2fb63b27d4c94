/**
 * A CycloneDX 1.6 SBOM of one container image, built and serialized with the CycloneDX project's own
 * library (@cyclonedx/cyclonedx-library): the image is the BOM's subject (metadata.component, with its
 * content-addressed id as a SHA-256 hash), each installed Debian package a component with a package
 * URL (purl-spec's `deb` type: pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=debian-13, the form
 * scanners such as Grype and Trivy match against Debian's security tracker).
 */
import { randomUUID } from 'node:crypto';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { escapeControlInJson } from '../audit/untrusted-text';
import type { ImageIdentity } from '../local/engines/container-engine';
import type { DpkgPackage } from './dpkg-status';

/** The CycloneDX version written: 1.6 is the newest that the common scanners read. */
const SBOM_SPEC = CDX.Spec.Spec1dot6;

export interface ImageSbomInput {
  /** The container's name in the task definition (app, proxy). */
  readonly container: string;
  /** The local image reference (localhost/secure-ecs-app:<asset hash>). */
  readonly ref: string;
  readonly identity: ImageIdentity;
  /** `debian-13`, from the image's os-release; the purl's distro qualifier. */
  readonly distro?: string;
  readonly packages: readonly DpkgPackage[];
  readonly toolVersion: string;
}

/** The package URL of an installed Debian package (purl-spec, PURL-TYPES.rst: deb). */
export function debPurl(p: DpkgPackage, distro: string | undefined): string {
  const qualifiers: Record<string, string> = { arch: p.architecture };
  if (distro) qualifiers.distro = distro;
  if (p.source) qualifiers.upstream = p.source;
  return new PackageURL('deb', 'debian', p.name, p.version, qualifiers, undefined).toString();
}

export function imageBom(input: ImageSbomInput): CDX.Models.Bom {
  const bom = new CDX.Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` });
  bom.metadata.timestamp = new Date();
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'secure-ecs', { version: input.toolVersion }));
  const image = new CDX.Models.Component(CDX.Enums.ComponentType.Container, input.container, {
    bomRef: `image:${input.container}`,
    version: input.identity.id,
    description: `the ${input.container} container image of the task (${input.ref})`,
  });
  const hex = /^sha256:([0-9a-f]{64})$/.exec(input.identity.id)?.[1];
  if (hex) image.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], hex);
  image.properties.add(new CDX.Models.Property('secure-ecs:image-ref', input.ref));
  for (const digest of input.identity.repoDigests) image.properties.add(new CDX.Models.Property('secure-ecs:repo-digest', digest));
  bom.metadata.component = image;

  for (const p of input.packages) {
    const purl = debPurl(p, input.distro);
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.Library, p.name, {
      bomRef: purl,
      version: p.version,
      purl,
      ...(p.maintainer ? { publisher: p.maintainer } : {}),
    });
    if (p.source) component.properties.add(new CDX.Models.Property('secure-ecs:debian-source-package', p.source));
    bom.components.add(component);
    image.dependencies.add(component.bomRef);
  }
  return bom;
}

/**
 * The SBOM as CycloneDX JSON, lists sorted so two runs on one image differ only in serial number and
 * time. Package fields come from the image: control, bidi and C1 characters are `\u` escapes, so the
 * file shows in a terminal as the text it is.
 */
export function serializeBom(bom: CDX.Models.Bom): string {
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(SBOM_SPEC));
  return `${escapeControlInJson(serializer.serialize(bom, { sortLists: true, space: 2 }))}\n`;
}
