import { debPurl, imageBom, serializeBom } from '../../lib/sbom/cyclonedx-bom';
import type { DpkgPackage } from '../../lib/sbom/dpkg-status';
import { distroQualifier } from '../../lib/sbom/os-release';
import { sbomSchemaErrors } from './schema';

const ID = `sha256:${'ab'.repeat(32)}`;
const PACKAGES: DpkgPackage[] = [
  { name: 'nginx', version: '1.26.3-3+deb13u1', architecture: 'amd64', maintainer: 'Debian Nginx Maintainers <x@example.org>' },
  { name: 'php8.4-fpm', version: '8.4.11-1', architecture: 'amd64', source: 'php8.4' },
  { name: 'zlib1g', version: '1:1.3.dfsg+really1.3.1-1+b1', architecture: 'amd64', source: 'zlib' },
  { name: 'tzdata', version: '2025b-4', architecture: 'all' },
];
const input = (packages = PACKAGES) => ({
  container: 'proxy',
  ref: `localhost/secure-ecs-proxy:${'c'.repeat(64)}`,
  identity: { id: ID, repoDigests: [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:${'d'.repeat(64)}`] },
  distro: 'debian-13',
  packages,
  toolVersion: '0.1.0',
});

describe('debPurl (purl-spec deb type)', () => {
  test('name, version, arch and distro; the source package as upstream; the epoch colon kept', () => {
    expect(debPurl(PACKAGES[1], 'debian-13')).toBe('pkg:deb/debian/php8.4-fpm@8.4.11-1?arch=amd64&distro=debian-13&upstream=php8.4');
    expect(debPurl(PACKAGES[2], undefined)).toBe('pkg:deb/debian/zlib1g@1:1.3.dfsg+really1.3.1-1+b1?arch=amd64&upstream=zlib');
  });
});

describe('imageBom', () => {
  test('validates against the CycloneDX 1.6 JSON schema (the library strict validator) and lists every package with its purl', async () => {
    const json = serializeBom(imageBom(input()));
    expect(await sbomSchemaErrors(json)).toBeUndefined();
    const doc = JSON.parse(json);
    expect(doc.specVersion).toBe('1.6');
    expect(doc.metadata.component).toMatchObject({ type: 'container', name: 'proxy', version: ID, hashes: [{ alg: 'SHA-256', content: 'ab'.repeat(32) }] });
    expect(doc.components.map((c: any) => [c.name, c.version, c.purl])).toEqual(
      PACKAGES.map((p) => [p.name, p.version, debPurl(p, 'debian-13')]).sort((a, b) => (a[2] < b[2] ? -1 : 1)),
    );
    expect(doc.dependencies.find((d: any) => d.ref === 'image:proxy').dependsOn).toHaveLength(PACKAGES.length);
  });

  test('a deliberately broken document fails validation, so the validator really runs', async () => {
    const doc = JSON.parse(serializeBom(imageBom(input())));
    doc.components[0].type = 'not-a-component-type';
    delete doc.components[1].name;
    const errors = await sbomSchemaErrors(JSON.stringify(doc));
    expect(errors).toMatch(/type|name/);
    expect(await sbomSchemaErrors('{"bomFormat":"CycloneDX","specVersion":"1.6","components":"nope"}')).toBeDefined();
  });

  test('hostile package fields stay data: valid JSON, still schema-valid, control and bidi characters escaped', async () => {
    const hostile: DpkgPackage = { name: 'evil', version: '1', architecture: 'amd64', maintainer: 'x"},{"name":"injected\u001b[2J\u202e\u0085\u0000' };
    const json = serializeBom(imageBom(input([hostile])));
    expect(await sbomSchemaErrors(json)).toBeUndefined();
    const raw = [...json].filter((c) => c !== '\n' && (c < ' ' || (c >= '\u007f' && c <= '\u009f') || c === '\u202e'));
    expect(raw).toEqual([]);
    const doc = JSON.parse(json);
    expect(doc.components).toHaveLength(1);
    expect(doc.components[0].publisher).toBe(hostile.maintainer);
  });
});

describe('distroQualifier (os-release)', () => {
  test('Debian 13, quoted or not; anything else plain or absent', () => {
    expect(distroQualifier('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_ID="13"\nID=debian\n')).toBe('debian-13');
    expect(distroQualifier("ID='debian'\nVERSION_ID=12\n")).toBe('debian-12');
    expect(distroQualifier('ID=debian\n')).toBeUndefined();
    expect(distroQualifier('ID="de&bian"\nVERSION_ID="13"\n')).toBeUndefined();
    expect(distroQualifier('ID=debian\nVERSION_ID="13\u001b[2J"\n')).toBeUndefined();
  });
});
