/**
 * Live mode against a local endpoint that speaks ECS's JSON 1.1 protocol, with the real ECSClient
 * (endpoint override, dummy credentials): pagination across pages, one ThrottlingException that the
 * SDK retries, a cluster with one non-compliant service among compliant ones, families and revisions,
 * and AccessDenied / missing credentials ending in exit 2 with a clear one-line message.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAudit } from '../../lib/audit/engine';
import { AuditInputError } from '../../lib/audit/errors';
import { createEcsClient, loadLiveEcs } from '../../lib/audit/sources/live-ecs';
import { buildCli, cleanEnv, expectUsageError, runCli } from './helpers/cli';
import { type FakeEcs, type Handler, page, startFakeEcs } from './helpers/ecs-server';

const ACCOUNT = '111122223333';
const arn = (kind: string, name: string) => `arn:aws:ecs:eu-west-1:${ACCOUNT}:${kind}/${name}`;
const CLUSTER = arn('cluster', 'web');
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' };

const compliant = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'td-compliant.describe.json'), 'utf8')).taskDefinition;
const taskDefinition = (family: string, revision: number, change: (c: any) => void = () => undefined) => {
  const td = structuredClone(compliant);
  // The JSON protocol sends timestamps as epoch seconds (the CLI's file output shows ISO strings).
  Object.assign(td, { family, revision, taskDefinitionArn: arn('task-definition', `${family}:${revision}`), registeredAt: Date.parse(td.registeredAt) / 1000 });
  change(td.containerDefinitions[0]);
  return td;
};
const TASK_DEFINITIONS = Object.fromEntries(
  [
    taskDefinition('web', 7),
    taskDefinition('web', 6),
    taskDefinition('worker', 2),
    taskDefinition('admin', 1, (c) => (c.privileged = true)),
    taskDefinition('web', 9),
    taskDefinition('web', 8),
  ].map((td) => [td.taskDefinitionArn, td]),
);

const service = (name: string, td: string, change: Record<string, unknown> = {}) => ({
  serviceArn: arn('service', `web/${name}`),
  serviceName: name,
  clusterArn: CLUSTER,
  status: 'ACTIVE',
  taskDefinition: arn('task-definition', td),
  capacityProviderStrategy: [{ capacityProvider: 'web-cp', weight: 1, base: 0 }],
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
  enableExecuteCommand: false,
  deployments: [{ id: `ecs-svc/${name}`, status: 'PRIMARY', taskDefinition: arn('task-definition', td) }],
  ...change,
});
const SERVICES = [
  // A rolling deployment: the audit must read both revisions that run.
  service('api', 'web:7', {
    deployments: [
      { id: 'd1', status: 'PRIMARY', taskDefinition: arn('task-definition', 'web:7') },
      { id: 'd0', status: 'ACTIVE', taskDefinition: arn('task-definition', 'web:6') },
    ],
  }),
  service('worker', 'worker:2'),
  service('admin', 'admin:1', {
    enableExecuteCommand: true,
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' } },
  }),
  service('web', 'web:7'),
];
const GOOD_ATTRIBUTES = ['ecs.capability.task-eni', 'ecs.capability.task-eni-block-instance-metadata', 'com.amazonaws.ecs.capability.task-iam-role'].map(
  (name) => ({ name }),
);
const INSTANCES = ['i-1', 'i-2', 'i-3'].map((id) => ({
  containerInstanceArn: arn('container-instance', `web/${id}`),
  ec2InstanceId: id,
  status: 'ACTIVE',
  agentConnected: true,
  attributes: GOOD_ATTRIBUTES,
  versionInfo: { agentVersion: '1.90.0', agentHash: 'abc', dockerVersion: 'DockerVersion: 25.0.8' },
}));
const FAMILY_ARNS = ['web-admin:4', 'web:9', 'web:8'].map((n) => arn('task-definition', n));

/** A well-behaved account with one throttled call. */
function account(): Handler {
  let throttled = false;
  return (operation, body) => {
    switch (operation) {
      case 'DescribeClusters':
        return {
          body: {
            clusters:
              body.clusters[0] === 'web'
                ? [
                    {
                      clusterArn: CLUSTER,
                      clusterName: 'web',
                      status: 'ACTIVE',
                      capacityProviders: ['web-cp'],
                      settings: body.include?.includes('SETTINGS') ? [{ name: 'containerInsights', value: 'enhanced' }] : undefined,
                      configuration: body.include?.includes('CONFIGURATIONS')
                        ? { executeCommandConfiguration: { kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1`, logging: 'DEFAULT' } }
                        : undefined,
                    },
                  ]
                : [],
            failures: body.clusters[0] === 'web' ? [] : [{ arn: arn('cluster', body.clusters[0]), reason: 'MISSING' }],
          },
        };
      case 'DescribeCapacityProviders':
        return {
          body: {
            capacityProviders: [
              {
                capacityProviderArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:capacity-provider/web-cp`,
                name: 'web-cp',
                status: 'ACTIVE',
                autoScalingGroupProvider: { autoScalingGroupArn: 'arn:asg', managedTerminationProtection: 'ENABLED' },
              },
            ],
          },
        };
      case 'ListServices': {
        if (!throttled) {
          throttled = true;
          return { error: 'ThrottlingException', message: 'Rate exceeded' };
        }
        const { items, nextToken } = page(
          SERVICES.map((s) => s.serviceArn),
          body,
          2,
        );
        return { body: { serviceArns: items, nextToken } };
      }
      case 'DescribeServices':
        return { body: { services: SERVICES.filter((s) => body.services.includes(s.serviceArn)), failures: [] } };
      case 'ListContainerInstances': {
        const { items, nextToken } = page(
          INSTANCES.map((i) => i.containerInstanceArn),
          body,
          2,
        );
        return { body: { containerInstanceArns: items, nextToken } };
      }
      case 'DescribeContainerInstances':
        return { body: { containerInstances: INSTANCES.filter((i) => body.containerInstances.includes(i.containerInstanceArn)), failures: [] } };
      case 'ListTaskDefinitions': {
        const { items, nextToken } = page(FAMILY_ARNS, body, 2);
        return { body: { taskDefinitionArns: items, nextToken } };
      }
      case 'DescribeTaskDefinition': {
        const td = TASK_DEFINITIONS[body.taskDefinition];
        return td ? { body: { taskDefinition: td, tags: [] } } : { error: 'ClientException', message: 'Unable to describe task definition.' };
      }
      default:
        return { error: 'UnknownOperationException', message: operation };
    }
  };
}

const denied: Handler = () => ({
  error: 'AccessDeniedException',
  message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/readonly/ci is not authorized to perform: ecs:DescribeClusters`,
});

describe('in process, with the real ECSClient', () => {
  let ecs: FakeEcs;
  beforeEach(async () => {
    ecs = await startFakeEcs(account());
  });
  afterEach(() => ecs.close());
  const client = () => createEcsClient({ endpoint: ecs.url, region: 'eu-west-1', credentials: CREDENTIALS });
  const operations = () => ecs.calls.map((c) => c.operation);

  test('a cluster with one non-compliant service among compliant ones', async () => {
    const progress: string[] = [];
    const model = await loadLiveEcs({ cluster: 'web', client: client(), progress: (m) => progress.push(m) });
    const { findings } = runAudit(model);
    expect(findings.map((f) => [f.ruleId, f.resource])).toEqual([
      ['TD-PRIV-01', arn('task-definition', 'admin:1')],
      ['SVC-NET-01', arn('service', 'web/admin')],
      ['SVC-EXEC-01', arn('service', 'web/admin')],
    ]);
    expect(model.services).toHaveLength(4);
    expect(model.containerInstances).toHaveLength(3);
    expect(progress).toContain('cluster web: 4 service(s) read');
  });

  test('the deployed revisions are audited, rolling ones included', async () => {
    const model = await loadLiveEcs({ cluster: 'web', client: client() });
    expect(model.taskDefinitions.map((t) => t.id).sort()).toEqual(['admin:1', 'web:6', 'web:7', 'worker:2'].map((n) => arn('task-definition', n)));
  });

  test('pages are followed with nextToken, and a throttled call is retried by the SDK', async () => {
    await loadLiveEcs({ cluster: 'web', client: client() });
    const listServices = ecs.calls.filter((c) => c.operation === 'ListServices');
    // Throttled, then pages 1 and 2.
    expect(listServices.map((c) => c.body.nextToken)).toEqual([undefined, undefined, '2']);
    expect(ecs.calls.filter((c) => c.operation === 'ListContainerInstances').map((c) => c.body.nextToken)).toEqual([undefined, '2']);
    expect(operations().filter((o) => o === 'DescribeServices')).toHaveLength(2);
  });

  test('DescribeClusters asks for SETTINGS and CONFIGURATIONS', async () => {
    const model = await loadLiveEcs({ cluster: 'web', client: client() });
    expect(ecs.calls.find((c) => c.operation === 'DescribeClusters')!.body).toEqual({ clusters: ['web'], include: ['SETTINGS', 'CONFIGURATIONS'] });
    expect(model.clusters[0]).toMatchObject({ containerInsights: 'enhanced', executeCommand: { logging: 'DEFAULT' } });
  });

  test('--family: the latest ACTIVE revision only, exact family (not every prefix match)', async () => {
    const model = await loadLiveEcs({ families: ['web'], client: client() });
    expect(model.taskDefinitions.map((t) => t.id)).toEqual([arn('task-definition', 'web:9')]);
    expect(ecs.calls.find((c) => c.operation === 'ListTaskDefinitions')!.body).toMatchObject({ familyPrefix: 'web', status: 'ACTIVE', sort: 'DESC' });
  });

  test('--family --all-revisions: every ACTIVE revision, across pages', async () => {
    const model = await loadLiveEcs({ families: ['web'], allRevisions: true, client: client() });
    expect(model.taskDefinitions.map((t) => t.id)).toEqual([arn('task-definition', 'web:9'), arn('task-definition', 'web:8')]);
  });

  test('an unknown cluster or family is an input error', async () => {
    await expect(loadLiveEcs({ cluster: 'nope', client: client() })).rejects.toThrow(/cluster nope not found \(MISSING\)/);
    await expect(loadLiveEcs({ families: ['api'], client: client() })).rejects.toThrow(/no ACTIVE task definition in family api/);
  });

  test('AccessDenied is an input error naming the permissions the audit needs', async () => {
    const deniedEcs = await startFakeEcs(denied);
    try {
      const error = await loadLiveEcs({
        cluster: 'web',
        client: createEcsClient({ endpoint: deniedEcs.url, region: 'eu-west-1', credentials: CREDENTIALS }),
      }).catch((e) => e);
      expect(error).toBeInstanceOf(AuditInputError);
      expect(error.message).toMatch(
        /^access denied by AWS \(AccessDeniedException\): User: .* is not authorized to perform: ecs:DescribeClusters\. The audit needs read-only ecs:DescribeClusters/,
      );
    } finally {
      await deniedEcs.close();
    }
  });
});

describe('the CLI as a process', () => {
  let cli: string;
  beforeAll(() => {
    cli = buildCli();
  });
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey });

  test.concurrent('exit 1 on the non-compliant service, JSON on stdout, progress on stderr', async () => {
    const ecs = await startFakeEcs(account());
    try {
      const r = await runCli(cli, ['audit', '--cluster', 'web', '--endpoint', ecs.url, '--region', 'eu-west-1', '--format', 'json'], { env });
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.findings.map((f: any) => f.ruleId)).toEqual(['TD-PRIV-01', 'SVC-NET-01', 'SVC-EXEC-01']);
      expect(report.summary.failed).toBe(true);
      expect(r.stderr).toMatch(/^secure-ecs audit: cluster web: 4 service\(s\) read$/m);
    } finally {
      await ecs.close();
    }
  });

  test.concurrent('AccessDenied: exit 2 with a one-line reason', async () => {
    const ecs = await startFakeEcs(denied);
    try {
      expectUsageError(
        await runCli(cli, ['audit', '--cluster', 'web', '--endpoint', ecs.url, '--region', 'eu-west-1'], { env }),
        /^secure-ecs: access denied by AWS \(AccessDeniedException\)/,
      );
    } finally {
      await ecs.close();
    }
  });

  test.concurrent('missing credentials: exit 2 with a one-line reason, and no request is sent', async () => {
    const ecs = await startFakeEcs(account());
    try {
      expectUsageError(await runCli(cli, ['audit', '--cluster', 'web', '--endpoint', ecs.url, '--region', 'eu-west-1']), /no AWS credentials found/);
      expect(ecs.calls).toEqual([]);
    } finally {
      await ecs.close();
    }
  });

  test.concurrent('no region: exit 2 with a one-line reason', async () => {
    expectUsageError(await runCli(cli, ['audit', '--cluster', 'web'], { env }), /no AWS region: pass --region or set AWS_REGION/);
  });

  test.concurrent('an unreachable endpoint: exit 2', async () => {
    expectUsageError(
      await runCli(cli, ['audit', '--cluster', 'web', '--endpoint', 'http://127.0.0.1:9', '--region', 'eu-west-1'], { env }),
      /cannot reach the ECS endpoint/,
    );
  });
});
