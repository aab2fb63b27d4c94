import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CONTAINER_ULIMITS, HardenedContainer, type HardenedContainerProps } from '../../lib/constructs/hardened-container';
import { freshStack } from '../helpers/fresh-stack';

/** A fresh stack with an awsvpc EC2 task definition and a log group, and the container built with `props`. */
function build(props: Partial<HardenedContainerProps> = {}) {
  const stack = freshStack();
  const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'Task', { networkMode: ecs.NetworkMode.AWS_VPC });
  const container = new HardenedContainer(taskDefinition, 'web', {
    taskDefinition,
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
    user: '101:101',
    memoryLimitMiB: 128,
    cpu: 64,
    healthCheckCommand: ['/usr/local/bin/healthcheck'],
    healthCheck: { intervalSeconds: 12, timeoutSeconds: 4, retries: 2, startPeriodSeconds: 20 },
    logGroup: new logs.LogGroup(stack, 'Logs'),
    ...props,
  });
  return { stack, container };
}

function containerDefinition(stack: Stack): any {
  const [task] = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'));
  expect(task.Properties.ContainerDefinitions).toHaveLength(1);
  return task.Properties.ContainerDefinitions[0];
}

describe('HardenedContainer', () => {
  test('defaults: every hardening setting, nothing writable, no ports or environment, 30 s stop timeout', () => {
    // GIVEN / WHEN
    const { stack } = build();
    // THEN
    expect(containerDefinition(stack)).toEqual(
      expect.objectContaining({
        Name: 'web',
        User: '101:101',
        ReadonlyRootFilesystem: true,
        Privileged: false,
        DockerSecurityOptions: ['no-new-privileges'],
        Memory: 128,
        Cpu: 64,
        Essential: true,
        StopTimeout: 30,
        Ulimits: CONTAINER_ULIMITS.map((u) => ({ Name: u.name, SoftLimit: u.softLimit, HardLimit: u.hardLimit })),
        LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true },
        HealthCheck: { Command: ['CMD', '/usr/local/bin/healthcheck'], Interval: 12, Timeout: 4, Retries: 2, StartPeriod: 20 },
        RestartPolicy: { Enabled: true, RestartAttemptPeriod: 60 },
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: expect.objectContaining({ 'awslogs-stream-prefix': 'web', mode: 'non-blocking', 'max-buffer-size': '26214400b' }),
        },
      }),
    );
    const def = containerDefinition(stack);
    expect(def.PortMappings).toBeUndefined();
    expect(def.Environment).toBeUndefined();
    expect(def.LinuxParameters.Tmpfs).toBeUndefined();
  });

  test('writable paths are sized noexec/nosuid/nodev tmpfs mounts; ports, environment and stop timeout come from the props', () => {
    // WHEN
    const { stack } = build({
      writablePaths: [{ containerPath: '/tmp', sizeMiB: 16 }],
      portMappings: [{ containerPort: 8080 }],
      environment: { MODE: 'test' },
      stopTimeout: Duration.seconds(10),
    });
    // THEN
    const def = containerDefinition(stack);
    expect(def.LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/tmp', Size: 16, MountOptions: ['rw', 'noexec', 'nosuid', 'nodev'] }]);
    expect(def.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 8080 })]);
    expect(def.Environment).toEqual([{ Name: 'MODE', Value: 'test' }]);
    expect(def.StopTimeout).toBe(10);
  });

  test('the construct is the container: its id is the name and its Linux parameters sit beneath it', () => {
    const { container } = build();
    expect(container.containerName).toBe('web');
    expect(container.node.path).toBe('Stack/Task/web');
    expect(container.node.tryFindChild('LinuxParameters')).toBeInstanceOf(ecs.LinuxParameters);
  });

  test.each(['0:0', 'root', 'root:root', '0', '1000', 'www-data:www-data'])('rejects user %j, naming the container and the value', (user) => {
    expect(() => build({ user })).toThrow(`Stack/Task/web: user must be a numeric non-root "uid:gid"; received "${user}"`);
  });
});
