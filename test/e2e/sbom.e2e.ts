/**
 * `secure-ecs sbom` on the real images of the task, on the suite's engine: each SBOM validates
 * against the CycloneDX schema, and lists php-fpm (app) and nginx (proxy) with the version that
 * `dpkg-query -W` reports inside the very image the SBOM names.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContainerEngine } from '../../lib/local/engines/container-engine';
import { sbomSchemaErrors } from '../sbom/schema';
import { ROOT, buildCli, cli, containerIds, engine } from './helpers';
import { allow } from './time-allowance';

let e: ContainerEngine;
let out: string;
let run: { code: number; output: string };

beforeAll(async () => {
  e = await engine();
  await buildCli();
  out = mkdtempSync(path.join(os.tmpdir(), 'secure-ecs-sbom-e2e-'));
  // A cold run synthesizes and builds both images (minutes); a warm one reuses them. npm's variable
  // as npm sets it when another package's script runs the command: the SBOM still names our version.
  run = await cli(['sbom', '--engine', e.info.kind, '--output', out], allow(900_000), { env: { npm_package_version: '7.7.7' } });
}, allow(960_000));

afterAll(() => rmSync(out, { recursive: true, force: true }));

const sbom = (container: string) => JSON.parse(readFileSync(path.join(out, `${container}.cdx.json`), 'utf8'));

/** `dpkg-query -W` of one package in the image, run as a one-off container of that image (no network, read-only). */
async function dpkgVersion(image: string, pkg: string): Promise<string> {
  const r = await e.runOnce({
    image,
    entrypoint: ['dpkg-query'],
    cmd: ['-W', '-f', '${Version}', pkg],
    labels: { 'secure-ecs.e2e': 'sbom' },
    timeoutMs: allow(60_000),
  });
  expect(r.code).toBe(0);
  return r.output.trim();
}

test('writes one SBOM per task image, and only those', () => {
  expect(run.code).toBe(0);
  expect(readdirSync(out).sort()).toEqual(['app.cdx.json', 'proxy.cdx.json']);
  expect(run.output).toMatch(/^app: \d+ Debian packages, image sha256:[0-9a-f]{12}/m);
  // The project's own location (a machine path) is not part of what the command prints.
  expect(run.output).not.toContain(ROOT);
});

test.each(['app', 'proxy'])("the %s SBOM names secure-ecs with package.json's version as its tool", (container) => {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(sbom(container).metadata.tools.components).toEqual([expect.objectContaining({ type: 'application', name: 'secure-ecs', version })]);
});

test.each(['app', 'proxy'])('the %s SBOM validates against the CycloneDX 1.6 schema', async (container) => {
  expect(await sbomSchemaErrors(readFileSync(path.join(out, `${container}.cdx.json`), 'utf8'))).toBeUndefined();
  expect(sbom(container).metadata.component).toMatchObject({ type: 'container', name: container, version: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
});

test.each([
  ['app', 'php8.4-fpm'],
  ['proxy', 'nginx'],
])('the %s SBOM lists %s with the Debian version dpkg-query reports in the image', async (container, pkg) => {
  const doc = sbom(container);
  const image = doc.metadata.component.properties.find((p: any) => p.name === 'secure-ecs:image-ref').value;
  expect((await e.imageIdentity(image))?.id).toBe(doc.metadata.component.version);
  const version = await dpkgVersion(image, pkg);
  expect(version).toMatch(/^\d/);
  const component = doc.components.find((c: any) => c.name === pkg);
  expect(component.version).toBe(version);
  expect(component.purl.startsWith(`pkg:deb/debian/${pkg}@${version}?`)).toBe(true);
  expect(component.purl).toContain('distro=debian-13');
});

test(
  'Ctrl-C while it reads an image: the container it reads through is removed, and it exits 130',
  async () => {
    const again = mkdtempSync(path.join(os.tmpdir(), 'secure-ecs-sbom-e2e-'));
    try {
      // The step's line is printed as its first read begins; the reads of one image take a second or so.
      const r = await cli(['sbom', '--engine', e.info.kind, '--image', 'proxy', '--output', again], allow(300_000), {
        interruptWhen: /^==> image proxy: read its dpkg database$/m,
      });
      expect(r.output).toMatch(/secure-ecs sbom: SIGINT: removing the containers it reads the images through/);
      expect(r.code).toBe(130);
      expect(await containerIds(`name=secure-ecs-files-${r.pid}-`)).toBe('');
      expect(readdirSync(again)).toEqual([]);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  },
  allow(320_000),
);
