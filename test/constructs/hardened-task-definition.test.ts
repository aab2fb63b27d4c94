import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HardenedContainer } from '../../lib/constructs/hardened-container';
import { HardenedTaskDefinition, PROXY_CONTAINER, PROXY_PORT } from '../../lib/constructs/hardened-task-definition';
import { freshStack } from '../helpers/fresh-stack';

const TRUSTED = ['10.0.0.0/26', '10.0.0.64/26'];

/** Container definitions by name, and the environment of the proxy as an object. */
function rendered(template: Template) {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  const byName: Record<string, any> = Object.fromEntries(task.Properties.ContainerDefinitions.map((d: any) => [d.Name, d]));
  const env = Object.fromEntries(byName.proxy.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
  return { task: task.Properties, byName, env };
}

describe('HardenedTaskDefinition', () => {
  describe('defaults', () => {
    // GIVEN a fresh stack; WHEN the task has only the trusted proxy CIDRs
    const stack = freshStack();
    const task = new HardenedTaskDefinition(stack, 'Task', { trustedProxyCidrs: TRUSTED });
    const template = Template.fromStack(stack);
    const { task: props, byName, env } = rendered(template);

    test('an EC2 awsvpc task capped at 1024 CPU units (one vCPU) and 512 MiB, holding app and proxy', () => {
      expect(props).toEqual(expect.objectContaining({ NetworkMode: 'awsvpc', RequiresCompatibilities: ['EC2'], Cpu: '1024', Memory: '512' }));
      expect(Object.keys(byName).sort()).toEqual(['app', 'proxy']);
    });

    test('app 256 MiB / 768 shares as 33:33, proxy 128 MiB / 256 shares as 101:101, both with a 16 MiB /tmp', () => {
      expect(byName.app).toEqual(expect.objectContaining({ Memory: 256, Cpu: 768, User: '33:33' }));
      expect(byName.proxy).toEqual(expect.objectContaining({ Memory: 128, Cpu: 256, User: '101:101' }));
      for (const c of Object.values(byName)) expect(c.LinuxParameters.Tmpfs).toEqual([expect.objectContaining({ ContainerPath: '/tmp', Size: 16 })]);
    });

    test('only the proxy maps a port (8080), and it is what the load balancer targets', () => {
      expect(byName.app.PortMappings).toBeUndefined();
      expect(byName.proxy.PortMappings).toEqual([expect.objectContaining({ ContainerPort: PROXY_PORT, Protocol: 'tcp' })]);
      expect(task.proxy).toBeInstanceOf(HardenedContainer);
      expect([task.proxy.containerName, task.proxy.containerPort]).toEqual([PROXY_CONTAINER, 8080]);
    });

    test('the proxy gets the default limits and the trusted CIDRs, and starts once the app is healthy', () => {
      // The construct's @default values (containers/proxy/README.md lists what nginx accepts).
      expect(Object.entries(env)).toEqual([
        ['RATE_LIMIT_PER_SECOND', '10'],
        ['RATE_LIMIT_BURST', '20'],
        ['CONNECTIONS_PER_CLIENT', '20'],
        ['RETRY_AFTER_SECONDS', '1'],
        ['CLIENT_MAX_BODY_SIZE_KB', '1024'],
        ['REQUEST_TIMEOUT_SECONDS', '10'],
        ['TRUSTED_PROXY_CIDRS', TRUSTED.join(',')],
        ['APP_FASTCGI_ADDRESS', 'unix:/run/fcgi/php-fpm.sock'],
        ['APP_FASTCGI_KEPT_CONNECTIONS', '3'],
      ]);
      expect(byName.proxy.DependsOn).toEqual([{ ContainerName: 'app', Condition: 'HEALTHY' }]);
    });

    test("two log groups kept a month with CloudWatch Logs' own encryption, retained when the stack is deleted; a task role without permissions", () => {
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
      expect(groups.map((g) => [g.Properties.RetentionInDays, g.Properties.KmsKeyId, g.DeletionPolicy, g.UpdateReplacePolicy])).toEqual([
        [30, undefined, 'Retain', 'Retain'],
        [30, undefined, 'Retain', 'Retain'],
      ]);
      const taskRoleId = props.TaskRoleArn['Fn::GetAtt'][0];
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(taskRoleId));
      expect(policies).toEqual([]);
      expect(template.findResources('AWS::IAM::Role')[taskRoleId].Properties.ManagedPolicyArns).toBeUndefined();
    });
  });

  test('behind a load balancer the proxy starts once the app has started (START); unset shares split task.cpu 3 : 1', () => {
    // GIVEN
    const stack = freshStack();
    // WHEN
    new HardenedTaskDefinition(stack, 'Task', { trustedProxyCidrs: TRUSTED, cpu: 256, proxyStartsAfterApp: ecs.ContainerDependencyCondition.START });
    // THEN
    const { task, byName } = rendered(Template.fromStack(stack));
    expect(byName.proxy.DependsOn).toEqual([{ ContainerName: 'app', Condition: 'START' }]);
    expect([task.Cpu, byName.app.Cpu, byName.proxy.Cpu]).toEqual(['256', 192, 64]);
  });

  test('sizes, limits, retention and the log key come from the props', () => {
    // GIVEN
    const stack = freshStack();
    const key = new kms.Key(stack, 'Key');
    // WHEN
    new HardenedTaskDefinition(stack, 'Task', {
      trustedProxyCidrs: TRUSTED,
      cpu: 512,
      memoryLimitMiB: 1024,
      appMemoryLimitMiB: 512,
      proxyMemoryLimitMiB: 256,
      appCpu: 384,
      proxyCpu: 128,
      rateLimitPerSecond: 3,
      rateLimitBurst: 7,
      connectionsPerClient: 5,
      retryAfter: Duration.seconds(2),
      clientMaxBodySize: Size.kibibytes(64),
      requestTimeout: Duration.seconds(4),
      logRetention: logs.RetentionDays.ONE_YEAR,
      logEncryptionKey: key,
    });
    // THEN
    const template = Template.fromStack(stack);
    const { task, byName, env } = rendered(template);
    expect([task.Cpu, task.Memory]).toEqual(['512', '1024']);
    expect([byName.app.Memory, byName.app.Cpu, byName.proxy.Memory, byName.proxy.Cpu]).toEqual([512, 384, 256, 128]);
    expect(env).toEqual(
      expect.objectContaining({
        RATE_LIMIT_PER_SECOND: '3',
        RATE_LIMIT_BURST: '7',
        CONNECTIONS_PER_CLIENT: '5',
        RETRY_AFTER_SECONDS: '2',
        CLIENT_MAX_BODY_SIZE_KB: '64',
        REQUEST_TIMEOUT_SECONDS: '4',
      }),
    );
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } }, 2);
  });

  test('appFastcgiKeptConnections reaches the proxy as APP_FASTCGI_KEPT_CONNECTIONS; outside 1 to 16 it throws naming the prop and the range', () => {
    const kept = (n: number) => {
      const stack = freshStack();
      new HardenedTaskDefinition(stack, 'Task', { trustedProxyCidrs: TRUSTED, appFastcgiKeptConnections: n });
      return rendered(Template.fromStack(stack)).env.APP_FASTCGI_KEPT_CONNECTIONS;
    };
    expect([kept(1), kept(16)]).toEqual(['1', '16']);
    for (const bad of [0, 2.5, 17]) expect(() => kept(bad)).toThrow(`appFastcgiKeptConnections: received ${bad}; expected an integer from 1 to 16`);
  });

  test('an HTTP app gets no FastCGI variables', () => {
    const stack = freshStack();
    new HardenedTaskDefinition(stack, 'Task', { trustedProxyCidrs: TRUSTED, appProtocol: 'http', appPort: 8000 });
    expect(Object.keys(rendered(Template.fromStack(stack)).env).filter((k) => k.startsWith('APP_'))).toEqual(['APP_HTTP_ADDRESS']);
  });
});
