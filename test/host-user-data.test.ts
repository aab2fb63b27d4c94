import { execFileSync } from 'node:child_process';
import { synth } from './helpers/synth';

/** The user data as it reaches the instance, with CloudFormation references shown as ${Ref}. */
function renderedUserData(): string {
  const { template } = synth();
  const lt = Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0];
  const join = lt.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'];
  return (join[1] as unknown[]).map((part) => (typeof part === 'string' ? part : `\${${JSON.stringify(part)}}`)).join('');
}

const userData = renderedUserData();

// shellcheck of the hardening script runs in a container: test/e2e/container-configs.e2e.ts.

test('the rendered user data (variables + script + CDK ECS_CLUSTER line) passes bash -n', () => {
  expect(() => execFileSync('bash', ['-n'], { input: userData, stdio: 'pipe' })).not.toThrow();
});

test.each([
  'ECS_DISABLE_PRIVILEGED=true',
  'ECS_AWSVPC_BLOCK_IMDS=true',
  'ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=false',
  'ECS_TASK_PIDS_LIMIT=${ECS_TASK_PIDS_LIMIT}',
  'ECS_CONTAINER_STOP_TIMEOUT=${ECS_CONTAINER_STOP_TIMEOUT}',
  'ECS_LOGLEVEL=info',
])('ecs.config sets %s', (line) => {
  expect(userData).toContain(`\n${line}\n`);
});

test('the per-task PIDs limit and stop timeout come from the configuration', () => {
  expect(userData).toContain("export ECS_TASK_PIDS_LIMIT='256'");
  expect(userData).toContain("export ECS_CONTAINER_STOP_TIMEOUT='30s'");
});

test('no debug logging and no off-host introspection', () => {
  expect(userData).not.toMatch(/ECS_LOGLEVEL=debug/);
  expect(userData).not.toMatch(/ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS=true/);
  expect(userData).not.toMatch(/ECS_SKIP_LOCALHOST_TRAFFIC_FILTER=true/);
  expect(userData).not.toMatch(/ECS_ENGINE_AUTH_DATA/);
});

test('containers are blocked from IMDS in DOCKER-USER, re-applied on every docker start', () => {
  expect(userData).toContain('iptables -I DOCKER-USER 1 -d 169.254.169.254/32 -j DROP');
  expect(userData).toContain('WantedBy=docker.service');
  expect(userData).toContain('systemctl enable --now secure-ecs-block-imds.service');
});

test('daemon.json is hardened before the agent starts tasks', () => {
  for (const setting of [
    '"no-new-privileges": True',
    '"live-restore": True',
    '"userland-proxy": False',
    '"icc": False',
    '"log-level": "info"',
    '"default-ulimits"',
  ]) {
    expect(userData).toContain(setting);
  }
  expect(userData.indexOf('systemctl restart docker.service')).toBeGreaterThan(userData.indexOf('"no-new-privileges"'));
});

test.each([
  '/usr/bin/dockerd',
  '/var/lib/docker',
  '/etc/docker',
  '/usr/lib/systemd/system/docker.service',
  '/run/containerd/containerd.sock',
  '/usr/lib/systemd/system/docker.socket',
  '/etc/default/docker',
  '/etc/docker/daemon.json',
  '/etc/containerd/config.toml',
  '/etc/sysconfig/docker',
  '/usr/bin/containerd',
  '/usr/bin/containerd-shim',
  '/usr/bin/containerd-shim-runc-v1',
  '/usr/bin/containerd-shim-runc-v2',
  '/usr/bin/runc',
  '/etc/ecs/ecs.config',
  '/var/lib/ecs',
])('auditd watches %s', (path) => {
  expect(userData).toMatch(new RegExp(`[\\s\\\\]${path.replace(/[.]/g, '\\.')}[\\s;\\\\]`));
});

test('a failed hardening step masks the ECS agent (fail closed)', () => {
  expect(userData).toContain('set -euo pipefail');
  expect(userData).toContain("trap 'fail_closed $LINENO' ERR");
  expect(userData).toContain('systemctl mask --now ecs.service');
});

test('the user data stays under the EC2 limit of 16 KB', () => {
  expect(Buffer.byteLength(userData)).toBeLessThan(16 * 1024);
});

test('a failing step is reported with its line in instance-user-data.sh, though the user data runs it after other lines and without comments', () => {
  const { INSTANCE_USER_DATA_SCRIPT, withoutComments } = require('../lib/host/al2023-user-data') as typeof import('../lib/host/al2023-user-data');
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  // The file up to its ERR trap, then a failing command on the next line of the file.
  const source = readFileSync(INSTANCE_USER_DATA_SCRIPT, 'utf8').split('\n');
  const trap = source.findIndex((l) => l.startsWith("trap 'fail_closed"));
  const failingLine = trap + 2;
  const script = [...source.slice(0, trap + 1), 'false'].join('\n').replace(/^#!.*\n/, '\n');
  const vars =
    'ECS_CLUSTER_NAME ECS_TASK_PIDS_LIMIT ECS_CONTAINER_STOP_TIMEOUT DOCKER_NOFILE_SOFT DOCKER_NOFILE_HARD DOCKER_NPROC_SOFT DOCKER_NPROC_HARD AWS_REGION CFN_STACK CFN_RESOURCE AGENT_REGISTRATION_TIMEOUT_SECONDS'.split(
      ' ',
    );
  // As in the user data: other lines first (here 7), then the script without its comments.
  const userData = [...vars.map((v) => `export ${v}=x`), ':', ':', ':', withoutComments(script, true)].join('\n');
  const r = require('node:child_process').spawnSync('bash', ['-c', userData], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(r.stderr).toContain(`secure-ecs: host hardening failed at instance-user-data.sh line ${failingLine};`);
});
