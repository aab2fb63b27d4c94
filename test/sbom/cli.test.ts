import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, buildCli, cleanEnv, expectUsageError, runCli } from '../audit/helpers/cli';

let cli: string;
beforeAll(() => {
  cli = buildCli();
});

describe('secure-ecs sbom: bad input exits 2 with one line, before any synth or build', () => {
  test('an unknown engine', async () => {
    expectUsageError(await runCli(cli, ['sbom', '--engine', 'lxc']), /^secure-ecs: --engine must be one of docker, podman; received "lxc"$/m);
  });

  test('an image name with control characters is refused and shown escaped', async () => {
    const r = await runCli(cli, ['sbom', '--image', 'app\u001b[2J']);
    expectUsageError(r, /--image must be all or a container name/);
    expect(r.stderr).not.toContain('\u001b');
  });
});

test("--version prints package.json's version, also where npm set npm_package_version for another package (a user's script calling secure-ecs)", async () => {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const r = await runCli(cli, ['--version'], { env: cleanEnv({ npm_package_version: '7.7.7' }) });
  expect([r.code, r.stdout]).toEqual([0, `${version}\n`]);
});
