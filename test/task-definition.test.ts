import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { containerDefinitions, REPO_ROOT, synth } from './helpers/synth';

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

  test('writes only to a sized /tmp tmpfs mounted noexec, nosuid, nodev, and mounts only the FastCGI socket volume', () => {
    expect(c().LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/tmp', Size: 16, MountOptions: ['rw', 'noexec', 'nosuid', 'nodev'] }]);
    // The unix socket's task-scoped tmpfs volume (app.fastcgiTransport "unix", the default): read-write
    // in the proxy too, where the directory's mode keeps it from writing (see the unix test below).
    expect(c().MountPoints).toEqual([{ ContainerPath: '/run/fcgi', SourceVolume: 'fcgi-socket', ReadOnly: false }]);
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

  test('has an exec-form health check: every 10 s (app) or 11 s (proxy), 5 s timeout, 3 retries, 15 s start period', () => {
    expect(c().HealthCheck).toEqual({
      Command: ['CMD', '/usr/local/bin/healthcheck'],
      Interval: name === 'app' ? 10 : 11,
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
    expect(taskDef()).toEqual(expect.objectContaining({ NetworkMode: 'awsvpc', RequiresCompatibilities: ['EC2'], Cpu: '1024', Memory: '512' }));
  });

  test('shares no host namespace and mounts no host volume', () => {
    expect(taskDef().PidMode).toBeUndefined();
    expect(taskDef().IpcMode).toBeUndefined();
    // One volume: the FastCGI socket's, a task-scoped Docker volume on tmpfs, no host path.
    expect(taskDef().Volumes).toEqual([{ Name: 'fcgi-socket', DockerVolumeConfiguration: expect.objectContaining({ Scope: 'task', Driver: 'local' }) }]);
    expect(taskDef().Volumes[0].DockerVolumeConfiguration.DriverOpts).toMatchObject({ type: 'tmpfs', device: 'tmpfs' });
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

  test('starts the proxy once the app has started: the task is behind the ALB, whose health check gates traffic', () => {
    expect(containers.proxy.DependsOn).toEqual([{ ContainerName: 'app', Condition: 'START' }]);
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
      APP_FASTCGI_ADDRESS: 'unix:/run/fcgi/php-fpm.sock',
      APP_FASTCGI_KEPT_CONNECTIONS: '3',
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

describe('the app section shapes the task (issue 20)', () => {
  const envOf = (def: any): Record<string, string> =>
    Object.fromEntries((def.Environment ?? []).map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
  /** The build arguments of the app image asset, from the assembly's asset manifest. */
  const appBuildArgs = (s: ReturnType<typeof synth>): Record<string, string> | undefined => {
    const manifest = s.assembly.artifacts.find((a: any) => a.file?.endsWith('.assets.json')) as any;
    const images = JSON.parse(readFileSync(manifest.file, 'utf8')).dockerImages;
    const app = Object.values(images).find((i: any) => i.displayName.endsWith('/app/AssetImage')) as any;
    return app.source.dockerBuildArgs;
  };

  test('at the defaults: the app gets only the unix socket and no build arguments, the proxy FastCGI on the socket and no other app variable', () => {
    const s = synth();
    const defs = containerDefinitions(s.template);
    expect(envOf(defs.app)).toEqual({ APP_FASTCGI_SOCKET: '/run/fcgi/php-fpm.sock', APP_FASTCGI_BACKLOG: '511' });
    expect(appBuildArgs(s)).toBeUndefined();
    expect(Object.keys(envOf(defs.proxy)).filter((k) => /^APP_|WRITABLE/.test(k))).toEqual(['APP_FASTCGI_ADDRESS', 'APP_FASTCGI_KEPT_CONNECTIONS']);
  });

  test.each(['mariadb', 'postgres'] as const)("database.engine %s: the app image is built with that engine's PDO driver only (DATABASE_ENGINE)", (engine) => {
    expect(appBuildArgs(synth({ database: { engine } }))).toEqual({ DATABASE_ENGINE: engine });
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'containers', 'app', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`${engine}) driver=php8.4-${engine === 'mariadb' ? 'mysql' : 'pgsql'} ;;`);
  });

  /** The files CDK stages as the proxy image's build context. */
  const stagedProxyContext = (s: ReturnType<typeof synth>): string[] => {
    const manifest = s.assembly.artifacts.find((a: any) => a.file?.endsWith('.assets.json')) as any;
    const images = JSON.parse(readFileSync(manifest.file, 'utf8')).dockerImages;
    const proxy = Object.values(images).find((i: any) => i.displayName.endsWith('/proxy/AssetImage')) as any;
    expect(proxy.source.dockerFile).toBe('proxy/Dockerfile');
    const staged = path.join(path.dirname(manifest.file), proxy.source.directory);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? files(path.join(dir, d.name)) : [path.relative(staged, path.join(dir, d.name))],
      );
    return files(staged).sort();
  };
  const PROXY_FILES = [
    'proxy/Dockerfile',
    'proxy/healthcheck',
    'proxy/lay-out-public-folder',
    'proxy/nginx.conf.template',
    'proxy/render-nginx-config',
    'proxy/start-proxy',
  ];

  test('the proxy image is built from the containers folder with only its own files and the public folder', () => {
    expect(stagedProxyContext(synth())).toEqual([...PROXY_FILES, 'app/src/public/index.php', 'app/src/public/robots.txt'].sort());
  });

  test("an app folder with a public-files script: the proxy's build context carries the script, still nothing else of the app", () => {
    const containers = mkdtempSync(path.join(tmpdir(), 'secure-ecs-public-files-'));
    try {
      cpSync(path.join(REPO_ROOT, 'containers', 'proxy'), path.join(containers, 'proxy'), { recursive: true });
      mkdirSync(path.join(containers, 'app'));
      writeFileSync(path.join(containers, 'app', 'Dockerfile'), 'FROM debian:trixie-slim\nUSER 33:33\n');
      writeFileSync(path.join(containers, 'app', 'public-files'), '#!/bin/sh\n', { mode: 0o755 });
      writeFileSync(path.join(containers, 'app', 'wp-config.php'), '<?php\n');
      expect(stagedProxyContext(synth({}, { containersDir: containers }))).toEqual([...PROXY_FILES, 'app/public-files'].sort());
    } finally {
      rmSync(containers, { recursive: true, force: true });
    }
  });

  test('app.protocol http and app.port: the proxy proxies to 127.0.0.1:<port> over HTTP, and the app is told its port', () => {
    const defs = containerDefinitions(synth({ app: { protocol: 'http', port: 8000 } }).template);
    const proxy = envOf(defs.proxy);
    expect(proxy.APP_HTTP_ADDRESS).toBe('127.0.0.1:8000');
    expect(proxy.APP_FASTCGI_ADDRESS).toBeUndefined();
    expect(envOf(defs.app)).toEqual({ APP_PORT: '8000' });
  });

  test('app.port with FastCGI: TCP (a port of its own means the pool listens there), the proxy connects there and php-fpm listens there (APP_PORT)', () => {
    const { template: t } = synth({ app: { port: 9100 } });
    const defs = containerDefinitions(t);
    expect(envOf(defs.proxy).APP_FASTCGI_ADDRESS).toBe('127.0.0.1:9100');
    expect(envOf(defs.app)).toEqual({ APP_PORT: '9100' });
    expect(Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.Volumes).toBeUndefined();
  });

  test('app.fastcgiTransport unix (the default): a task-scoped tmpfs volume, mounted in both containers, the socket path in both environments', () => {
    const { template: t } = synth({ app: { fastcgiTransport: 'unix' } });
    expect(containerDefinitions(t)).toEqual(containers);
    const td = Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    expect(td.Volumes).toEqual([
      {
        Name: 'fcgi-socket',
        DockerVolumeConfiguration: {
          Scope: 'task',
          Driver: 'local',
          DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'nr_blocks=16,nr_inodes=16,uid=33,gid=101,mode=2750,noexec,nosuid,nodev' },
        },
      },
    ]);
    const defs = containerDefinitions(t);
    // The volume's owner is the app's user and its group the proxy's: the users the containers run as.
    expect(defs.app.User).toBe('33:33');
    expect(defs.proxy.User).toBe('101:101');
    // Read-write in the proxy on purpose (a read-only bind drops noexec); the directory's mode keeps it from writing.
    for (const c of [defs.app, defs.proxy]) expect(c.MountPoints).toEqual([{ ContainerPath: '/run/fcgi', SourceVolume: 'fcgi-socket', ReadOnly: false }]);
    expect(envOf(defs.app)).toEqual({ APP_FASTCGI_SOCKET: '/run/fcgi/php-fpm.sock', APP_FASTCGI_BACKLOG: '511' });
    expect(envOf(defs.proxy).APP_FASTCGI_ADDRESS).toBe('unix:/run/fcgi/php-fpm.sock');
    // The hardening is the default task's: no capability, read-only roots, the same tmpfs.
    for (const name of ['app', 'proxy']) {
      expect(defs[name].LinuxParameters).toEqual(containers[name].LinuxParameters);
      expect(defs[name].ReadonlyRootFilesystem).toBe(true);
    }
  });

  test("app.fastcgiTransport tcp: no volume, no mount, no app environment, the TCP address; the rest of the hardening is the default task's", () => {
    const { template: t } = synth({ app: { fastcgiTransport: 'tcp' } });
    expect(Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.Volumes).toBeUndefined();
    const defs = containerDefinitions(t);
    expect(defs.app.Environment).toBeUndefined();
    expect(envOf(defs.proxy).APP_FASTCGI_ADDRESS).toBe('127.0.0.1:9000');
    for (const name of ['app', 'proxy']) {
      expect(defs[name].MountPoints).toBeUndefined();
      const { MountPoints: _m, Environment: _e, ...rest } = defs[name];
      const { MountPoints: _dm, Environment: _de, ...defaults } = containers[name];
      expect(rest).toEqual(defaults);
    }
  });

  test('app.methods reaches the proxy as ALLOWED_METHODS; the default list leaves it unset (the proxy default)', () => {
    const dav = containerDefinitions(synth({ app: { protocol: 'http', port: 5232, methods: ['GET', 'HEAD', 'PROPFIND', 'PUT'] } }).template);
    expect(envOf(dav.proxy).ALLOWED_METHODS).toBe('GET,HEAD,PROPFIND,PUT');
    const plain = containerDefinitions(synth({ app: { methods: ['GET', 'HEAD', 'POST'] } }).template);
    expect(envOf(plain.proxy).ALLOWED_METHODS).toBeUndefined();
  });

  test('app.healthCheckPath reaches the proxy as HEALTH_CHECK_PATH and the target group; the default leaves the proxy unset', () => {
    const { template } = synth({ app: { protocol: 'http', port: 5232, healthCheckPath: '/.web/' } });
    expect(envOf(containerDefinitions(template).proxy).HEALTH_CHECK_PATH).toBe('/.web/');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/.web/' });
    expect(envOf(containerDefinitions(synth({ app: { healthCheckPath: '/healthz' } }).template).proxy).HEALTH_CHECK_PATH).toBeUndefined();
  });

  test("app.stickySessionSeconds turns on the target group's load-balancer cookie for that long", () => {
    const { template } = synth({ app: { stickySessionSeconds: 3600 } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
      ]),
    });
  });

  test('app.entryPoints files reaches the proxy', () => {
    const defs = containerDefinitions(synth({ app: { entryPoints: 'files' } }).template);
    expect(envOf(defs.proxy).APP_ENTRY_POINTS).toBe('files');
  });

  test('app.writablePaths: one sized noexec,nosuid,nodev tmpfs each besides /tmp, open_basedir, the proxy refuses scripts under the public ones, the image creates the mount points', () => {
    const s = synth({
      app: {
        writablePaths: [
          { path: '/srv/app/public/uploads', sizeMiB: 8 },
          { path: '/srv/app/storage', sizeMiB: 32 },
          { path: '/var/lib/app', sizeMiB: 4 },
        ],
      },
    });
    const defs = containerDefinitions(s.template);
    const opts = ['rw', 'noexec', 'nosuid', 'nodev'];
    expect(defs.app.LinuxParameters.Tmpfs).toEqual([
      { ContainerPath: '/tmp', Size: 16, MountOptions: opts },
      { ContainerPath: '/srv/app/public/uploads', Size: 8, MountOptions: opts },
      { ContainerPath: '/srv/app/storage', Size: 32, MountOptions: opts },
      { ContainerPath: '/var/lib/app', Size: 4, MountOptions: opts },
    ]);
    expect(defs.app.ReadonlyRootFilesystem).toBe(true);
    // Paths under /srv/app are inside open_basedir already.
    expect(envOf(defs.app)).toEqual({
      APP_FASTCGI_SOCKET: '/run/fcgi/php-fpm.sock',
      APP_FASTCGI_BACKLOG: '511',
      APP_OPEN_BASEDIR: '/srv/app:/tmp:/var/lib/app',
    });
    expect(envOf(defs.proxy).WRITABLE_URL_PREFIXES).toBe('/uploads/');
    expect(defs.proxy.LinuxParameters.Tmpfs).toEqual([{ ContainerPath: '/tmp', Size: 16, MountOptions: opts }]);
    expect(appBuildArgs(s)).toEqual({ WRITABLE_PATHS: '/srv/app/public/uploads /srv/app/storage /var/lib/app' });
  });

  test('app.persistentPaths inside the public folder: the proxy refuses scripts under them too (an uploaded .php is never run)', () => {
    const defs = containerDefinitions(
      synth({
        app: {
          writablePaths: [{ path: '/srv/app/public/cache', sizeMiB: 8 }],
          persistentPaths: [{ path: '/srv/app/public/wp-content/uploads' }, { path: '/var/lib/app-data' }],
        },
      }).template,
    );
    expect(envOf(defs.proxy).WRITABLE_URL_PREFIXES).toBe('/cache/,/wp-content/uploads/');
  });
});
