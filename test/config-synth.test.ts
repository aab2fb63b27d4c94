/**
 * Every configuration the schema accepts synthesizes, and the network settings are built as
 * written (hostile-input-findings §1.3: D8, D9). The sweep walks the schema itself, so a new setting
 * or a changed range is swept without editing this file.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { z } from 'zod';
import { appConfigSchema, type AppConfigInput } from '../lib/config/app-config';
import { ConfigError, validateConfig } from '../lib/config/validate-config';
import { Network, SMALLEST_VPC_PREFIX } from '../lib/constructs/network';
import { SecureEcsStack } from '../lib/secure-ecs-stack';
import { problemsOf } from './helpers/config-problems';
import { freshStack } from './helpers/fresh-stack';
import { cdkJsonContext, synth } from './helpers/synth';

const quiet = { warn: () => {} };

/** The template of the stack alone (no validation plugins: the sweep is about what CDK can build). */
function bareTemplate(input: AppConfigInput, context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { ...cdkJsonContext(), ...context } });
  const stack = new SecureEcsStack(app, 'Sweep', { config: validateConfig({ region: 'eu-west-1', ...input }, quiet), env: { region: 'eu-west-1' } });
  return Template.fromJSON(app.synth().getStackArtifact(stack.artifactId).template);
}

function withSetting(settingPath: string, value: unknown): AppConfigInput {
  const keys = settingPath.split('.');
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as AppConfigInput;
}

interface Leaf {
  readonly path: string;
  readonly schema: { type?: string; minimum?: number; maximum?: number; enum?: unknown[] };
}
function leaves(schema: any, prefix = ''): Leaf[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, sub]: [string, any]) => {
    const p = prefix ? `${prefix}.${key}` : key;
    return sub.type === 'object' ? leaves(sub, p) : [{ path: p, schema: sub }];
  });
}

/** Boundaries and an interior value (the geometric mean: ranges span up to 8 decades) of a numeric or enumerated setting; none for free-form strings. */
function sample({ schema }: Leaf): unknown[] {
  if (schema.type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined) {
    const { minimum: min, maximum: max } = schema;
    return [...new Set([min, Math.round(Math.sqrt(min * max)), max])];
  }
  if (schema.enum) return [...new Set([schema.enum[0], schema.enum.at(-1)])];
  if (schema.type === 'boolean') return [true, false];
  return [];
}

describe('network.maxAzs and network.natGateways are built as configured (D9)', () => {
  test('3 AZs and 3 NAT gateways: three of Fn::GetAZs, a public and a private subnet in each, a NAT gateway in each', () => {
    const template = bareTemplate({ network: { maxAzs: 3, natGateways: 3 } });
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone);
    expect(subnets).toHaveLength(6);
    expect(new Set(subnets.map((az) => JSON.stringify(az)))).toEqual(
      new Set([0, 1, 2].map((i) => JSON.stringify({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] }))),
    );
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('a pinned stack (-c env=…) gets three AZs too, without a lookup', () => {
    const app = new App({ context: cdkJsonContext() });
    const config = validateConfig({ region: 'eu-west-1', network: { maxAzs: 3, natGateways: 2 } }, quiet);
    const stack = new SecureEcsStack(app, 'Pinned', { config, env: { account: '111111111111', region: 'eu-west-1' } });
    const assembly = app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(stack.network.vpc.availabilityZones).toHaveLength(3);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  test('an availability-zones:fallback context with fewer AZs than maxAzs is refused, not silently used', () => {
    const fallback = { [cxapi.AVAILABILITY_ZONE_FALLBACK_CONTEXT_KEY]: ['eu-west-1a', 'eu-west-1b'] };
    expect(problemsOf(() => bareTemplate({ network: { maxAzs: 3 } }, fallback))).toEqual([
      `network.maxAzs: received 3; expected at most 2, the AZs the CDK context "${cxapi.AVAILABILITY_ZONE_FALLBACK_CONTEXT_KEY}" lists (["eu-west-1a","eu-west-1b"])`,
    ]);
    // With as many AZs as asked for, the context's names are used.
    const template = bareTemplate({ network: { maxAzs: 2 } }, fallback);
    expect(Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone)).toContain('eu-west-1b');
  });
});

describe('the smallest VPC (D8)', () => {
  const threeAzs = { [cxapi.AVAILABILITY_ZONE_FALLBACK_CONTEXT_KEY]: ['a', 'b', 'c'] };
  const network = (prefix: number) => () => {
    const stack = freshStack();
    stack.node.setContext(cxapi.AVAILABILITY_ZONE_FALLBACK_CONTEXT_KEY, threeAzs[cxapi.AVAILABILITY_ZONE_FALLBACK_CONTEXT_KEY]);
    return new Network(stack, 'Network', { vpcCidr: `10.0.0.0/${prefix}`, maxAzs: 3 });
  };

  test('is /20: it holds 3 AZs of subnets, and the next smaller one does not (the schema refuses it)', () => {
    expect(SMALLEST_VPC_PREFIX).toBe(20);
    expect(network(SMALLEST_VPC_PREFIX)().vpc.privateSubnets).toHaveLength(3);
    expect(network(SMALLEST_VPC_PREFIX + 1)).toThrow(/exceeds remaining space/);
    expect(problemsOf(() => validateConfig({ network: { vpcCidr: `10.0.0.0/${SMALLEST_VPC_PREFIX + 1}` } }))).toHaveLength(1);
  });
});

describe('every accepted value synthesizes', () => {
  const settings = leaves(z.toJSONSchema(appConfigSchema, { io: 'input' }));
  const cases = settings.flatMap((leaf) => sample(leaf).map((value): [string, unknown] => [leaf.path, value]));

  test('the sweep covers every numeric and enumerated setting', () => {
    const swept = new Set(cases.map(([p]) => p));
    const numeric = settings.filter((s) => s.schema.type === 'integer' || s.schema.enum || s.schema.type === 'boolean').map((s) => s.path);
    expect([...swept].sort()).toEqual(numeric.sort());
    expect(swept.size).toBeGreaterThan(30);
  });

  // One setting at a time, the others at their defaults: accepted, it must synthesize; refused, only
  // by a cross-field rule, with the ConfigError's one line per problem (never another exception).
  test.each(cases)('%s = %j', (settingPath, value) => {
    const input = withSetting(settingPath, value);
    let accepted = true;
    try {
      validateConfig(input, quiet);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      accepted = false;
    }
    if (accepted) expect(() => bareTemplate(input)).not.toThrow();
  });

  test.each([
    ['10.0.0.0/16', 2],
    ['10.0.0.0/20', 3],
    ['192.168.240.0/20', 2],
    ['172.16.0.0/18', 3],
    ['255.255.0.0/16', 3],
    ['0.0.0.0/16', 2],
  ])('network.vpcCidr %s over %i AZs is the VPC as written', (vpcCidr, maxAzs) => {
    const template = bareTemplate({ network: { vpcCidr, maxAzs } });
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: vpcCidr });
    template.resourceCountIs('AWS::EC2::Subnet', 2 * maxAzs);
  });

  // The extremes together, through the whole app as `cdk synth` runs it (cdk-nag, the audit rules).
  // Where the schema's bounds contradict each other, the fix-up says why.
  const extremes: Record<string, AppConfigInput> = {
    'every setting at its minimum': {
      network: { vpcCidr: '10.0.0.0/20', maxAzs: 2, natGateways: 1, flowLogRetentionDays: 1 },
      hosts: { rootVolumeGiB: 30, minInstances: 1, maxInstances: 1, taskPidsLimit: 64, containerStopTimeoutSeconds: 5 },
      // task.memoryMiB's minimum (128) is below appMemoryMiB + proxyMemoryMiB at theirs (96 + 48).
      task: { cpu: 128, memoryMiB: 144, appMemoryMiB: 96, proxyMemoryMiB: 48, appCpuShares: 2, proxyCpuShares: 2, logRetentionDays: 1 },
      rateLimit: { requestsPerSecond: 1, burst: 0, connectionsPerClient: 1, retryAfterSeconds: 1 },
      proxy: { clientMaxBodySizeKiB: 1, requestTimeoutSeconds: 1 },
      service: { desiredCount: 1, minTasks: 1, maxTasks: 1, targetCpuPercent: 10 },
      edge: { enableWaf: true, wafRequestsPer5Minutes: 10, accessLogRetentionDays: 1 },
      alarms: {
        email: 'a@b.io',
        loadBalancer5xxPerMinute: 1,
        target5xxPerMinute: 1,
        unhealthyTargets: 1,
        p99ResponseTimeMs: 10,
        rejectedConnectionsPerMinute: 1,
        rateLimitedPercent: 1,
        cpuAtCapPercent: 10,
      },
      // The smallest app container holds 96 - 16 (/tmp) - 64 (its processes) = 16 MiB of declared paths.
      app: {
        port: 1024,
        writablePaths: [
          { path: '/srv/app/public/uploads', sizeMiB: 1 },
          { path: '/a', sizeMiB: 15 },
        ],
      },
    },
    'every setting at its maximum': {
      network: { vpcCidr: '10.0.0.0/16', maxAzs: 3, natGateways: 3, flowLogRetentionDays: 3653 },
      // 100 tasks at 200 % need 200 awsvpc ENIs on 20 instances: a type this project has no ENI count for (warns).
      hosts: { instanceType: 'm5.24xlarge', rootVolumeGiB: 1024, minInstances: 10, maxInstances: 20, taskPidsLimit: 4194304, containerStopTimeoutSeconds: 120 },
      // app + proxy memory must fit the task's maximum.
      task: { cpu: 10240, memoryMiB: 30720, appMemoryMiB: 30720 - 48, proxyMemoryMiB: 48, appCpuShares: 10240 - 2, proxyCpuShares: 2, logRetentionDays: 3653 },
      rateLimit: { requestsPerSecond: 10000, burst: 100000, connectionsPerClient: 10000, retryAfterSeconds: 3600 },
      proxy: { clientMaxBodySizeKiB: 1048576, requestTimeoutSeconds: 300 },
      service: { desiredCount: 100, minTasks: 100, maxTasks: 100, targetCpuPercent: 90 },
      edge: { enableWaf: true, wafRequestsPer5Minutes: 2000000000, accessLogRetentionDays: 3650 },
      alarms: {
        email: `${'a'.repeat(240)}@example.com`,
        loadBalancer5xxPerMinute: 100000,
        target5xxPerMinute: 100000,
        unhealthyTargets: 100,
        p99ResponseTimeMs: 60000,
        rejectedConnectionsPerMinute: 100000,
        rateLimitedPercent: 100,
        cpuAtCapPercent: 100,
      },
      // 16 paths sharing the app container's budget: 30672 - 16 - 64 = 30592 MiB = 16 x 1912.
      app: {
        protocol: 'http',
        port: 65535,
        writablePaths: Array.from({ length: 16 }, (_, i) => ({ path: `/srv/app/public/writable-${i}`, sizeMiB: 1912 })),
      },
    },
    'a regional NAT gateway over the most AZs': { network: { maxAzs: 3, natGateways: 1, natAvailabilityMode: 'regional' } },
    'every app setting at its other choice': {
      app: {
        protocol: 'fastcgi',
        port: 9001,
        entryPoints: 'files',
        writablePaths: [
          { path: '/srv/app/public/uploads', sizeMiB: 8 },
          { path: '/var/lib/app', sizeMiB: 8 },
        ],
      },
    },
    // The database and the persistent paths are off by default: their extremes, with the smallest VPC
    // over the most AZs (the isolated subnets must fit beside the others).
    'a mariadb database and persistent paths at their minimum, in a /20 over 3 AZs': {
      network: { vpcCidr: '10.0.0.0/20', maxAzs: 3 },
      database: { engine: 'mariadb', allocatedStorageGiB: 20, maxAllocatedStorageGiB: 20, backupRetentionDays: 1, monitoringIntervalSeconds: 0 },
      app: { persistentPaths: [{ path: '/a' }] },
    },
    'a postgres database and persistent paths at their maximum': {
      database: {
        engine: 'postgres',
        instanceClass: 'db.r7g.16xlarge',
        allocatedStorageGiB: 65536,
        maxAllocatedStorageGiB: 65536,
        backupRetentionDays: 35,
        multiAz: true,
        deletionProtection: false,
        finalSnapshot: false,
        iamAuthentication: true,
        monitoringIntervalSeconds: 1,
        performanceInsights: true,
      },
      egress: { internetHttps: true },
      app: { persistentPaths: Array.from({ length: 10 }, (_, i) => ({ path: `/srv/app/data-${i}` })) },
    },
  };
  test.each(Object.entries(extremes))('%s: the whole app synthesizes', (_name, input) => {
    expect(() => synth(input)).not.toThrow();
  });
});
