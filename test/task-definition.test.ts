import { containerDefinitions, synth } from './helpers/synth';

// GIVEN the default configuration
const { template } = synth();
const containers = containerDefinitions(template);

describe.each(['app', 'proxy'])('container %s', (name) => {
  const c = () => containers[name];

  test('runs as a numeric non-root user and group', () => {
    expect(c().User).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  test('has a read-only root filesystem and is not privileged', () => {
    expect(c().ReadonlyRootFilesystem).toBe(true);
    expect(c().Privileged).toBe(false);
  });

  test('drops ALL capabilities and adds none', () => {
    expect(c().LinuxParameters.Capabilities).toEqual({ Drop: ['ALL'] });
  });

  test('sets no-new-privileges and nothing that disables confinement', () => {
    expect(c().DockerSecurityOptions).toEqual(['no-new-privileges']);
  });

  test('runs an init process', () => {
    expect(c().LinuxParameters.InitProcessEnabled).toBe(true);
  });

  test('writes only to a sized /tmp tmpfs mounted noexec, nosuid, nodev', () => {
    expect(c().LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/tmp', Size: 16, MountOptions: ['rw', 'noexec', 'nosuid', 'nodev'] }]);
    expect(c().MountPoints ?? []).toEqual([]);
  });

  test('has a hard memory limit and CPU shares', () => {
    expect(c().Memory).toBeGreaterThan(16);
    expect(c().Cpu).toBeGreaterThan(0);
  });

  test('sets nofile and nproc ulimits', () => {
    expect(c().Ulimits).toEqual([
      { Name: 'nofile', SoftLimit: 4096, HardLimit: 4096 },
      { Name: 'nproc', SoftLimit: 1024, HardLimit: 1024 },
    ]);
  });

  test('has an exec-form health check', () => {
    expect(c().HealthCheck).toEqual({
      Command: ['CMD', '/usr/local/bin/healthcheck'],
      Interval: 30,
      Timeout: 5,
      Retries: 3,
      StartPeriod: 15,
    });
  });

  test('is essential, restarts in place and stops within 30 s', () => {
    expect(c().Essential).toBe(true);
    expect(c().RestartPolicy).toEqual({ Enabled: true, RestartAttemptPeriod: 60 });
    expect(c().StopTimeout).toBe(30);
  });

  test('logs to CloudWatch through awslogs in non-blocking mode', () => {
    expect(c().LogConfiguration.LogDriver).toBe('awslogs');
    expect(c().LogConfiguration.Options).toEqual(
      expect.objectContaining({ mode: 'non-blocking', 'max-buffer-size': '26214400b', 'awslogs-stream-prefix': name }),
    );
  });

  test('has no plaintext secret in its environment', () => {
    const names: string[] = (c().Environment ?? []).map((e: { Name: string }) => e.Name);
    for (const n of names) expect(n).not.toMatch(/PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i);
  });

  test('uses no host devices, host volumes or system controls', () => {
    expect(c().LinuxParameters.Devices).toBeUndefined();
    expect(c().SystemControls).toBeUndefined();
    expect(c().Interactive).toBeUndefined();
    expect(c().PseudoTerminal).toBeUndefined();
  });
});

describe('the task', () => {
  const taskDef = () => Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;

  test('is an EC2 task in awsvpc mode with task-level hard CPU and memory limits', () => {
    expect(taskDef()).toEqual(expect.objectContaining({ NetworkMode: 'awsvpc', RequiresCompatibilities: ['EC2'], Cpu: '256', Memory: '512' }));
  });

  test('shares no host namespace and mounts no host volume', () => {
    expect(taskDef().PidMode).toBeUndefined();
    expect(taskDef().IpcMode).toBeUndefined();
    expect(taskDef().Volumes).toBeUndefined();
  });

  test('has separate task and execution roles, and the task role has no permissions', () => {
    const { TaskRoleArn, ExecutionRoleArn } = taskDef();
    expect(TaskRoleArn).toBeDefined();
    expect(ExecutionRoleArn).toBeDefined();
    expect(TaskRoleArn).not.toEqual(ExecutionRoleArn);
    const taskRoleId = TaskRoleArn['Fn::GetAtt'][0];
    const role = template.findResources('AWS::IAM::Role')[taskRoleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    const policiesOnTaskRole = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === taskRoleId),
    );
    expect(policiesOnTaskRole).toEqual([]);
  });

  test('publishes only the proxy port 8080', () => {
    expect(containers.app.PortMappings).toBeUndefined();
    expect(containers.proxy.PortMappings).toEqual([{ ContainerPort: 8080, Protocol: 'tcp', Name: 'http' }]);
  });

  test('starts the proxy only after the app is healthy', () => {
    expect(containers.proxy.DependsOn).toEqual([{ ContainerName: 'app', Condition: 'HEALTHY' }]);
    expect(containers.app.DependsOn).toBeUndefined();
  });

  test('gives each container its memory share of the task', () => {
    expect(containers.app.Memory).toBe(256);
    expect(containers.proxy.Memory).toBe(128);
    expect(containers.app.Memory + containers.proxy.Memory).toBeLessThanOrEqual(Number(taskDef().Memory));
  });

  test('passes the rate limit and the load balancer subnets to nginx', () => {
    const env = Object.fromEntries(containers.proxy.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
    expect(env).toEqual({
      RATE_LIMIT_PER_SECOND: '10',
      RATE_LIMIT_BURST: '20',
      CONNECTIONS_PER_CLIENT: '20',
      RETRY_AFTER_SECONDS: '1',
      CLIENT_MAX_BODY_SIZE_KB: '1024',
      REQUEST_TIMEOUT_SECONDS: '10',
      // The two public /26 subnets of 10.0.0.0/16: only the ALB lives there.
      TRUSTED_PROXY_CIDRS: '10.0.0.0/26,10.0.0.64/26',
      APP_FASTCGI_ADDRESS: '127.0.0.1:9000',
    });
  });

  test('logs each container to its own log group with retention', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(30);
  });
});

describe('configuration flows into the task', () => {
  test('rate, burst and memory come from the configuration', () => {
    // WHEN
    const custom = synth({ rateLimit: { requestsPerSecond: 3, burst: 7 }, task: { memoryMiB: 1024, appMemoryMiB: 512 } });
    const defs = containerDefinitions(custom.template);
    // THEN
    const env = Object.fromEntries(defs.proxy.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
    expect(env.RATE_LIMIT_PER_SECOND).toBe('3');
    expect(env.RATE_LIMIT_BURST).toBe('7');
    expect(defs.app.Memory).toBe(512);
    custom.template.hasResourceProperties('AWS::ECS::TaskDefinition', { Memory: '1024' });
  });
});
