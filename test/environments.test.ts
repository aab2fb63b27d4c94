/**
 * Named environments (`secure-ecs.environments.<name>`, selected with `-c env=<name>`): resolution
 * and layering, the one-line errors, the pinned stack, and `secure-ecs config --env`.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { defineApp } from '../lib/app';
import { resolveConfig } from '../lib/config/resolve-config';
import { validateConfig } from '../lib/config/validate-config';
import { buildCli, cleanEnv, expectUsageError, runCli } from './audit/helpers/cli';
import { problemsOf } from './helpers/config-problems';
import { cdkJsonContext } from './helpers/synth';
import { tempDir } from './helpers/temp-dir';

const DEV = { account: '111111111111', region: 'eu-west-1' };
const PROD = { account: '222222222222', region: 'eu-central-1', rateLimit: { requestsPerSecond: 50 }, edge: { enableWaf: true } };
const settings = { rateLimit: { burst: 5 }, environments: { dev: DEV, prod: PROD } };

const context = (values: Record<string, unknown>) => (key: string) => values[key];
const resolve = (values: Record<string, unknown>) => resolveConfig(context({ 'secure-ecs': settings, ...values }), { warn: () => {} });

describe('resolveConfig', () => {
  test('without -c env the settings are the top-level ones and no environment is selected', () => {
    const c = resolve({});
    expect(c.environment).toBeUndefined();
    expect(c).toEqual(validateConfig({ rateLimit: { burst: 5 } }));
  });

  test('-c env=<name> layers the environment over the top-level settings and pins its account and region', () => {
    const c = resolve({ env: 'prod' });
    expect(c.environment).toEqual({ name: 'prod', account: '222222222222' });
    expect(c.region).toBe('eu-central-1');
    expect(c.rateLimit).toMatchObject({ requestsPerSecond: 50, burst: 5 });
    expect(c.edge.enableWaf).toBe(true);
    expect(resolve({ env: 'dev' }).edge.enableWaf).toBe(false);
  });

  test('-c configFile= stays on top of the environment, and may add environments', () => {
    const file = path.join(tempDir('secure-ecs-env-'), 'over.json');
    writeFileSync(file, JSON.stringify({ rateLimit: { requestsPerSecond: 7 }, environments: { qa: { account: '333333333333', region: 'us-west-2' } } }));
    expect(resolve({ env: 'prod', configFile: file }).rateLimit).toMatchObject({ requestsPerSecond: 7, burst: 5 });
    expect(resolve({ env: 'qa', configFile: file }).environment).toEqual({ name: 'qa', account: '333333333333' });
  });

  test.each([
    [{ env: 'staging' }, settings, 'env: received "staging"; expected one of "dev", "prod"'],
    [{ env: 'prod' }, { rateLimit: { burst: 5 } }, 'env: received "prod"; expected the name of an environment under environments (none is defined)'],
    [
      {},
      { environments: { dev: { region: 'eu-west-1' } } },
      'environments.dev.account: received undefined; expected a 12-digit AWS account ID as a string, such as "123456789012"',
    ],
    [
      {},
      { environments: { dev: { account: 111111111111, region: 'eu-west-1' } } },
      'environments.dev.account: received 111111111111; expected a 12-digit AWS account ID',
    ],
    [
      {},
      { environments: { dev: { account: '11111111111', region: 'eu-west-1' } } },
      'environments.dev.account: received "11111111111"; expected a 12-digit AWS account ID',
    ],
    [{}, { environments: { dev: { account: '111111111111' } } }, 'environments.dev.region: received undefined; expected an AWS region such as eu-west-1'],
    [
      {},
      { environments: { dev: { ...DEV, rateLimit: { requestsPerSecond: 0 } } } },
      'environments.dev.rateLimit.requestsPerSecond: received 0; expected an integer from 1 to 10000',
    ],
    [{}, { environments: { dev: { ...DEV, ratelimit: {} } } }, 'environments.dev.ratelimit: unknown setting'],
    [{}, { environments: { dev: { ...DEV, stackName: 'Other' } } }, 'environments.dev.stackName: unknown setting'],
    [{}, { environments: { 'dev env': DEV } }, 'environments.dev env: received the name "dev env"; expected a name of letters, digits and hyphens'],
    [{}, { environments: ['dev'] }, 'environments: received ["dev"]; expected an object of environments by name'],
    [
      { env: 'dev' },
      { environments: { dev: { ...DEV, task: { memoryMiB: 256 } } } },
      'task.memoryMiB: received 256; expected at least task.appMemoryMiB + task.proxyMemoryMiB = 256 + 128 = 384 (environment "dev")',
    ],
    [
      { env: 'dev' },
      { stackName: 'S'.repeat(126), environments: { dev: DEV } },
      `stackName: received "${'S'.repeat(126)}"; expected at most 124 characters with environment "dev"`,
    ],
  ])('with context %j and settings %j fails with one line naming the setting', (values, s, message) => {
    const problems = problemsOf(() => resolveConfig(context({ 'secure-ecs': s, ...values })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  test('an invalid environment fails a synth of another environment, or of none', () => {
    const broken = { environments: { dev: DEV, prod: { region: 'eu-west-1' } } };
    expect(problemsOf(() => resolveConfig(context({ 'secure-ecs': broken, env: 'dev' })))).toEqual([expect.stringMatching(/^environments\.prod\.account: /)]);
    expect(problemsOf(() => resolveConfig(context({ 'secure-ecs': broken })))).toHaveLength(1);
  });
});

describe('the pinned stack', () => {
  const synthFor = (env?: string) => {
    const ctx = { ...cdkJsonContext(), 'secure-ecs': settings, ...(env ? { env } : {}) };
    const app = new App({ context: ctx });
    const stack = defineApp(
      app,
      resolveConfig((k) => ctx[k as keyof typeof ctx], { warn: () => {} }),
    );
    return { stack, assembly: app.synth() };
  };

  test('carries the environment in its name and is pinned to its account and region', () => {
    const { stack, assembly } = synthFor('prod');
    expect(stack.stackName).toBe('SecureEcsStarter-prod');
    expect(assembly.getStackByName('SecureEcsStarter-prod').environment).toMatchObject({ account: '222222222222', region: 'eu-central-1' });
  });

  test('synthesizes without any lookup (no missing context, so no credentials are needed): AZs come from Fn::GetAZs', () => {
    const { stack, assembly } = synthFor('dev');
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(stack.availabilityZones.map((az) => Stack.of(stack).resolve(az))).toEqual([
      { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
    ]);
  });

  test('without -c env the stack is environment-agnostic and keeps its name', () => {
    const { stack, assembly } = synthFor();
    expect(stack.stackName).toBe('SecureEcsStarter');
    expect(assembly.getStackByName('SecureEcsStarter').environment.account).toBe('unknown-account');
  });
});

describe('secure-ecs config --env', () => {
  let cli: string;
  let project: string;
  beforeAll(() => {
    cli = buildCli();
    project = tempDir('secure-ecs-project-');
    writeFileSync(path.join(project, 'cdk.json'), JSON.stringify({ context: { 'secure-ecs': settings } }));
  });

  test('prints the resolved settings of the environment', async () => {
    const r = await runCli(cli, ['config', '--project', project, '--env', 'prod'], { env: cleanEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toMatchObject({
      environment: { name: 'prod', account: '222222222222' },
      region: 'eu-central-1',
      rateLimit: { requestsPerSecond: 50, burst: 5 },
    });
  });

  test('an unknown environment exits 2 with one line', async () => {
    const r = await runCli(cli, ['config', '--project', project, '--env', 'staging'], { env: cleanEnv() });
    expectUsageError(r, /^secure-ecs: env: received "staging"; expected one of "dev", "prod"/);
  });
});
