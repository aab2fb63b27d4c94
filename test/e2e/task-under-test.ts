/**
 * One task started for an e2e file with `secure-ecs local up --detach`, and what the tests read about
 * it: the synthesized task definition (never re-declared in a test), the host agent settings, and what
 * `up` reported for each field, so a limit is checked where the engine honours it and otherwise the
 * test checks that `up` said it is not.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readAssemblyTask, type AssemblyTask } from '../../lib/local/assembly-task';
import { StateDir } from '../../lib/local/state';
import { assemblyDir } from '../../lib/local/synth';
import type { FieldReport } from '../../lib/local/spec';
import { tempDir } from '../helpers/temp-dir';
import { ROOT, buildCli, cli, engine, freePort } from './helpers';

export interface TaskUnderTest {
  readonly name: string;
  readonly port: number;
  readonly upOutput: string;
  readonly assembly: AssemblyTask;
  /** The task definition's Properties. */
  readonly task: Record<string, any>;
  /** Container definitions by name. */
  readonly defs: Record<string, any>;
  readonly proxyEnv: Record<string, string>;
  /** The task's address on the engine's network (ContainerEngine.taskAddress: the namespace owner's); empty when it has none. */
  readonly taskIp: string;
  readonly fields: FieldReport[];
  /** The proxy is the container with a port mapping; the app is the one it depends on. */
  readonly proxyName: string;
  readonly appName: string;
  /** The engine's name of a task container. */
  ctr(container: string): string;
  /** Whether up reported `path` honoured; where not, expects that up printed why. */
  honoured(path: string): boolean;
}

/**
 * Start a task with `secure-ecs local up --detach`: the project's own synthesized task, or with
 * `assembly` one synthesized from other settings ({@link synthWith}), on `port` or a free one.
 */
export async function startTask(name: string, options: { assembly?: string; port?: number } = {}): Promise<TaskUnderTest> {
  await buildCli();
  const port = options.port ?? (await freePort());
  const from = options.assembly ? ['--assembly', options.assembly] : [];
  const up = await cli(['local', 'up', '--detach', '--port', String(port), '--name', name, ...from], 20 * 60_000);
  process.stderr.write(`\nsecure-ecs local up --detach: exit ${up.code} after ${(up.ms / 1000).toFixed(1)} s\n${up.code === 0 ? '' : up.output}`);
  if (up.code !== 0) throw new Error(`local up failed:\n${up.output}`);
  const assembly = readAssemblyTask(options.assembly ?? assemblyDir(ROOT));
  const task = assembly.properties as Record<string, any>;
  const defs: Record<string, any> = Object.fromEntries(task.ContainerDefinitions.map((d: any) => [d.Name, d]));
  const proxyName = Object.values(defs).find((d) => d.PortMappings?.length).Name as string;
  const fields = new StateDir(name).readPlan()!.fields;
  return {
    name,
    port,
    upOutput: up.output,
    assembly,
    task,
    defs,
    proxyEnv: Object.fromEntries(defs[proxyName].Environment.map((e: any) => [e.Name, e.Value])),
    taskIp: (await (await engine()).taskAddress(name)) ?? '',
    fields,
    proxyName,
    appName: defs[proxyName].DependsOn[0].ContainerName as string,
    ctr: (container) => `${name}-${container}`,
    honoured(path) {
      const f = fields.find((x) => x.path === path);
      if (!f) throw new Error(`up reported nothing for ${path}`);
      if (f.outcome === 'not-honoured') expect(up.output).toContain(`  ${path}: ${f.detail}`);
      return f.outcome === 'honoured';
    },
  };
}

export async function stopTask(name: string): Promise<void> {
  const down = await cli(['local', 'down', '--name', name], 5 * 60_000);
  if (down.code !== 0) process.stderr.write(`local down failed:\n${down.output}`);
}

/**
 * Synthesize the app with other settings (`cdk synth -c configFile=<file>`, as a user would) into a
 * scratch assembly directory, optionally from other image build contexts (`-c containersDir=`).
 * Returns the directory, for {@link startTask}'s `assembly`.
 */
export async function synthWith(settings: object, options: { containersDir?: string } = {}): Promise<string> {
  const work = tempDir('secure-ecs-e2e-synth-');
  const configFile = path.join(work, 'settings.json');
  writeFileSync(configFile, JSON.stringify(settings));
  const outdir = path.join(work, 'cdk.out');
  const context = ['-c', `configFile=${configFile}`, ...(options.containersDir ? ['-c', `containersDir=${options.containersDir}`] : [])];
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '-o', outdir, ...context], {
    cwd: ROOT,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  if (r.status !== 0) throw new Error(`cdk synth ${context.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return outdir;
}
