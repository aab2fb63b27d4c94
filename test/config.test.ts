import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadRawConfig } from '../lib/config/load-config';
import { ConfigError, validateConfig } from '../lib/config/validate-config';
import { tempDir } from './helpers/temp-dir';

describe('validateConfig', () => {
  test('unset container CPU shares split task.cpu app 3 : proxy 1, so a smaller task.cpu alone is valid', () => {
    expect(validateConfig({ task: { cpu: 256 } }).task).toEqual(expect.objectContaining({ cpu: 256, appCpuShares: 192, proxyCpuShares: 64 }));
    expect(validateConfig({ task: { cpu: 512, proxyCpuShares: 100 } }).task).toEqual(expect.objectContaining({ appCpuShares: 384, proxyCpuShares: 100 }));
  });

  test('an empty configuration gets the documented defaults', () => {
    const c = validateConfig({});
    expect(c.rateLimit).toEqual({ requestsPerSecond: 10, burst: 20, connectionsPerClient: 20, retryAfterSeconds: 1 });
    expect(c.task).toEqual(
      expect.objectContaining({ cpu: 1024, memoryMiB: 512, appMemoryMiB: 256, proxyMemoryMiB: 128, appCpuShares: 768, proxyCpuShares: 256 }),
    );
    expect(c.network).toEqual({ vpcCidr: '10.0.0.0/16', maxAzs: 2, natGateways: 1, natAvailabilityMode: 'zonal', flowLogRetentionDays: 30 });
    expect(c.hosts.instanceType).toBe('t3.small');
    expect(c.edge.enableWaf).toBe(false);
  });

  // Each message names the setting, the value received and what is allowed.
  test.each([
    [{ rateLimit: { requestsPerSecond: 0 } }, 'rateLimit.requestsPerSecond: received 0; expected an integer from 1 to 10000'],
    [{ rateLimit: { requestsPerSecond: 2.5 } }, 'rateLimit.requestsPerSecond: received 2.5; expected an integer from 1 to 10000'],
    [{ rateLimit: { burst: -1 } }, 'rateLimit.burst: received -1; expected an integer from 0 to 100000'],
    [{ rateLimit: { burst: '5' } }, 'rateLimit.burst: received "5"; expected an integer from 0 to 100000'],
    [{ task: { memoryMiB: 256 } }, 'task.memoryMiB: received 256; expected at least task.appMemoryMiB + task.proxyMemoryMiB = 256 + 128 = 384'],
    [{ task: { appMemoryMiB: 64 } }, 'task.appMemoryMiB: received 64; expected an integer from 96 to 30720'],
    [{ task: { proxyMemoryMiB: 32 } }, 'task.proxyMemoryMiB: received 32; expected an integer from 48 to 30720'],
    [{ task: { cpu: 200, appCpuShares: 192, proxyCpuShares: 64 } }, 'task.cpu: received 200; expected at least task.appCpuShares + task.proxyCpuShares = 256'],
    [{ task: { appCpuShares: 1000 } }, 'task.cpu: received 1024; expected at least task.appCpuShares + task.proxyCpuShares = 1256'],
    [{ network: { vpcCidr: '10.0.0.0/33' } }, 'network.vpcCidr: received "10.0.0.0/33"; expected an IPv4 CIDR block a.b.c.d/n with n from 16 to 20'],
    [{ network: { vpcCidr: '300.0.0.0/16' } }, 'network.vpcCidr: received "300.0.0.0/16"; expected an IPv4 CIDR block'],
    [{ network: { natGateways: 3 } }, 'network.natGateways: received 3; expected at most network.maxAzs (2)'],
    [{ hosts: { instanceType: 'big' } }, 'hosts.instanceType: received "big"; expected an EC2 instance type such as t3.small or m7i.large'],
    [{ hosts: { instanceType: 'T3.small' } }, 'hosts.instanceType: received "T3.small"'],
    [{ hosts: { instanceType: 'm7g.large' } }, 'hosts.instanceType: received "m7g.large"; expected an x86_64 type'],
    [{ hosts: { minInstances: 3, maxInstances: 2 } }, 'hosts.minInstances: received 3; expected at most hosts.maxInstances (2)'],
    [{ service: { desiredCount: 5 } }, 'service.desiredCount: received 5; expected between service.minTasks (1) and service.maxTasks (2)'],
    [{ task: { logRetentionDays: 4 } }, 'task.logRetentionDays: received 4; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 180, 365'],
    [{ edge: { enableWaf: 'yes' } }, 'edge.enableWaf: received "yes"; expected true or false'],
    [{ edge: { certificateArn: 'my-cert' } }, 'edge.certificateArn: received "my-cert"; expected an ACM certificate ARN'],
    [{ region: 'Europe' }, 'region: received "Europe"; expected an AWS region such as eu-west-1'],
    [{ ratelimit: {} }, 'ratelimit: unknown setting'],
    [{ rateLimit: { rps: 5 } }, 'rateLimit.rps: unknown setting'],
  ])('rejects %j', (input, message) => {
    expect(() => validateConfig(input)).toThrow(ConfigError);
    expect(() => validateConfig(input)).toThrow(message);
  });

  test('reports every problem at once', () => {
    try {
      validateConfig({ rateLimit: { requestsPerSecond: 0, burst: -1 } });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
    }
  });
});

describe('loadRawConfig', () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];

  test('reads the secure-ecs context object', () => {
    expect(loadRawConfig(context({ 'secure-ecs': { rateLimit: { burst: 5 } } }))).toEqual({ rateLimit: { burst: 5 } });
  });

  test('accepts the context as a JSON string (cdk synth -c secure-ecs=...)', () => {
    expect(loadRawConfig(context({ 'secure-ecs': '{"rateLimit":{"burst":5}}' }))).toEqual({ rateLimit: { burst: 5 } });
  });

  test('overlays a config file on the context, deeply', () => {
    const dir = tempDir('secure-ecs-config-');
    const file = path.join(dir, 'prod.json');
    writeFileSync(file, JSON.stringify({ rateLimit: { burst: 50 }, edge: { enableWaf: true } }));
    expect(loadRawConfig(context({ 'secure-ecs': { rateLimit: { requestsPerSecond: 5, burst: 5 } }, configFile: file }))).toEqual({
      rateLimit: { requestsPerSecond: 5, burst: 50 },
      edge: { enableWaf: true },
    });
  });

  test('a missing or malformed config file names the file', () => {
    expect(() => loadRawConfig(context({ configFile: '/nonexistent/x.json' }))).toThrow(
      /configFile: cannot read "\/nonexistent\/x.json" \(ENOENT: no such file or directory/,
    );
    const dir = tempDir('secure-ecs-config-');
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{ rate: ');
    expect(() => loadRawConfig(context({ configFile: file }))).toThrow(ConfigError);
    writeFileSync(file, '[1]');
    expect(() => loadRawConfig(context({ configFile: file }))).toThrow(/expected a JSON object of settings/);
  });

  test('a context value that is not an object is rejected', () => {
    expect(() => loadRawConfig(context({ 'secure-ecs': 'rate=5' }))).toThrow(/the string received is not valid JSON \(line 1, column 1: InvalidSymbol\)/);
    expect(() => loadRawConfig(context({ 'secure-ecs': 7 }))).toThrow(/expected an object of settings/);
  });
});

describe('bin/app.ts (what `cdk synth` runs)', () => {
  test('an invalid setting stops synth with exit 1 and names the setting, the value and what is allowed', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '..', 'bin', 'app.ts')], {
      // The CDK CLI hands context to the app this way.
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ 'secure-ecs': { rateLimit: { requestsPerSecond: 0 } } }),
        CDK_OUTDIR: tempDir('cdk-out-'),
      },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('rateLimit.requestsPerSecond: received 0; expected an integer from 1 to 10000');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 30_000);
});
