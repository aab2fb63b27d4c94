/**
 * The hardened bootstrap template (bootstrap/hardened-bootstrap-template.yaml, README "Hardened CDK
 * bootstrap"): its assets repository scans on push, is KMS-encrypted, has immutable tags and the
 * CLI's lifecycle policy (untagged images only), and nothing else differs from the template the pinned aws-cdk
 * CLI bootstraps with, so an aws-cdk upgrade that changes the bootstrap template fails here until
 * the committed template is made again from the new one.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/synth';

const HARDENED = path.join(REPO_ROOT, 'bootstrap', 'hardened-bootstrap-template.yaml');
const hardened = parse(readFileSync(HARDENED, 'utf8'));
const repository = hardened.Resources.ContainerAssetsRepository;

test('the assets repository scans each pushed image', () => {
  expect(repository.Properties.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
});

test('the assets repository is encrypted with KMS', () => {
  expect(repository.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS' });
});

test('its tags are immutable (asset tags are content hashes: a tag always names the same image)', () => {
  expect(repository.Properties.ImageTagMutability).toBe('IMMUTABLE');
});

test('its lifecycle policy expires only untagged images: a count or age rule over tagged ones would expire an image a service still runs', () => {
  // ECR's lifecycle rules count by push time and do not know what ECS runs: the proxy image changes
  // rarely, so hundreds of newer app pushes would expire it while tasks still pull it on every start.
  const { rules } = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText);
  expect(rules.map((r: any) => [r.selection.tagStatus, r.selection.countType, r.action.type])).toEqual([['untagged', 'sinceImagePushed', 'expire']]);
});

test('everything else is what `cdk bootstrap --show-template` of the pinned CLI prints', () => {
  const cli = spawnSync(process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'bootstrap', '--show-template'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(cli.status).toBe(0);
  const upstream = parse(cli.stdout);
  const strip = (template: any, props: string[]) => {
    const copy = structuredClone(template);
    for (const p of props) delete copy.Resources.ContainerAssetsRepository.Properties[p];
    return copy;
  };
  const hardenedProps = ['ImageScanningConfiguration', 'EncryptionConfiguration'];
  expect(strip(hardened, hardenedProps)).toEqual(strip(upstream, hardenedProps));
  // The bootstrap version is the CLI's: `cdk deploy` checks it against what the app needs.
  expect(hardened.Outputs.BootstrapVersion.Value).toBe(upstream.Outputs.BootstrapVersion.Value);
}, 90_000);
