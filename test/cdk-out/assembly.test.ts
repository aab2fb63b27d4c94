/**
 * The shared cdk.out reader on real assemblies written by aws-cdk-lib: a stack inside a Stage (a
 * nested assembly) with a container image asset, found through the artifact's dependencies.
 */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CloudAssemblyError, dockerImageAssets, readAssembly, readTemplate } from '../../lib/cdk-out/assembly';
import { readAssemblyTask } from '../../lib/local/assembly-task';
import { tempDir } from '../helpers/temp-dir';

const PROXY = path.join(__dirname, '..', '..', 'containers', 'proxy');

/** An app with one top-level stack (no task) and a Stage whose stack has a task with an image asset. */
function synthesize(): string {
  const outdir = tempDir('cdk-out-');
  const app = new App({ outdir });
  new Stack(app, 'Top');
  const stage = new Stage(app, 'Dev');
  const stack = new Stack(stage, 'Service');
  const task = new ecs.Ec2TaskDefinition(stack, 'Task');
  task.addContainer('proxy', { image: ecs.ContainerImage.fromAsset(PROXY), memoryLimitMiB: 64 });
  app.synth();
  return outdir;
}

const outdir = synthesize();

test('stacks of nested assemblies are found, each with the asset manifests it depends on', () => {
  const stacks = readAssembly(outdir);
  expect(stacks.map((s) => s.id).sort()).toEqual([expect.stringMatching(/^DevService/), 'Top']);
  const nested = stacks.find((s) => s.id.startsWith('DevService'))!;
  expect(nested.directory).toBe(path.join(outdir, 'assembly-Dev'));
  const images = dockerImageAssets(nested);
  expect(images).toHaveLength(1);
  // Stages stage their assets once, at the top (`../asset.<hash>` from the nested manifest).
  expect(images[0].directory).toBe(path.join(outdir, `asset.${images[0].id}`));
  expect(existsSync(path.join(images[0].directory!, 'Dockerfile'))).toBe(true);
  expect(readTemplate(nested).Resources).toBeDefined();
});

test('the local runner finds the task of the nested stack and its image build context', () => {
  const task = readAssemblyTask(outdir);
  expect(task.stackName).toMatch(/^DevService/);
  expect(task.images.proxy.directory).toBe(path.join(outdir, `asset.${task.images.proxy.assetHash}`));
});

test('a directory without a manifest, and a broken manifest, are named errors', () => {
  const empty = tempDir('not-cdk-out-');
  expect(() => readAssembly(empty)).toThrow(new CloudAssemblyError(`${empty} is not a cloud assembly (no manifest.json); run cdk synth first`));
  writeFileSync(path.join(empty, 'manifest.json'), '{"version": "1", "artifacts": 3}');
  expect(() => readAssembly(empty)).toThrow(/is not a valid cloud assembly manifest/);
});
