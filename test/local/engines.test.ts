/**
 * The engine layer without an engine: which engine is chosen and why (with injected host facts and
 * connectors, the seam to the engines), the platform branches, the Docker endpoint, the task cgroup
 * layout and the engines' corrections to the field report.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import type { ContainerEngine, EngineCapabilities, EngineInfo } from '../../lib/local/engines/container-engine';
import { DockerEngine } from '../../lib/local/engines/docker/engine';
import { bridgeGateway } from '../../lib/local/engines/docker/gateway';
import { dockerodeOptions, resolveDockerEndpoint, type EndpointInputs } from '../../lib/local/engines/docker/endpoint';
import { Podman } from '../../lib/local/engines/podman/cli';
import { PodmanEngine } from '../../lib/local/engines/podman/engine';
import { requestedEngine, rootlessPodmanProblem, selectEngine, type Connectors } from '../../lib/local/engines/select-engine';
import { applyScript, cleanupScript, taskCgroupLayout } from '../../lib/local/engines/task-cgroup';
import { LocalInputError, LocalStepError } from '../../lib/local/errors';
import { applyEngineNotes, engineNotes } from '../../lib/local/translate/field-report';
import { hostFacts, parseOsRelease, type HostFacts } from '../../lib/local/host/host-facts';
import { engineInstallHint } from '../../lib/local/host/system-packages';
import type { Reporter } from '../../lib/local/progress';
import type { TaskSpec } from '../../lib/local/spec';

const linux: HostFacts = { platform: 'linux', distro: ['debian'], uid: 1000, cgroupV2Unified: true, systemd: true, hasRunc: true, hardLimits: {} };
const mac: HostFacts = { ...linux, platform: 'darwin', distro: [], cgroupV2Unified: false, systemd: false, hasRunc: false };

function reporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  const handle = { update: () => undefined, done: () => undefined, fail: () => undefined, interrupt: () => undefined };
  return { lines, info: (l) => lines.push(l), warn: (l) => lines.push(`warning: ${l}`), begin: () => handle, step: (_t, fn) => fn(handle) };
}

const info = (kind: 'docker' | 'podman', extra: Partial<EngineInfo> = {}): EngineInfo => ({
  kind,
  version: '1',
  rootless: false,
  cgroupVersion: 2,
  cgroupDriver: 'cgroupfs',
  remote: false,
  endpoint: 'test',
  ...extra,
});
const fakeEngine = (i: EngineInfo) => ({ info: i }) as ContainerEngine;
const connectors = (o: { docker?: string | EngineInfo; podman?: string | EngineInfo; podmanInstalled?: boolean }): Connectors => ({
  docker: async () => {
    if (typeof o.docker === 'object') return fakeEngine(o.docker);
    throw new LocalStepError('container engine', o.docker ?? 'no Docker daemon answers on unix:///var/run/docker.sock');
  },
  podman: async () => {
    if (typeof o.podman === 'object') return fakeEngine(o.podman);
    throw new LocalStepError('container engine', o.podman ?? 'podman does not work');
  },
  podmanInstalled: () => o.podmanInstalled ?? typeof o.podman === 'object',
});

describe('which engine, and why', () => {
  test('--engine, then SECURE_ECS_ENGINE, then CDK_DOCKER naming docker or podman, else automatic', () => {
    expect(requestedEngine({ flag: 'podman', env: { SECURE_ECS_ENGINE: 'docker' } })).toEqual({ kind: 'podman', why: '--engine podman' });
    expect(requestedEngine({ env: { SECURE_ECS_ENGINE: 'docker', CDK_DOCKER: 'podman' } })).toEqual({ kind: 'docker', why: 'SECURE_ECS_ENGINE=docker' });
    expect(requestedEngine({ env: { CDK_DOCKER: '/usr/bin/podman' } })?.kind).toBe('podman');
    expect(requestedEngine({ env: { CDK_DOCKER: 'finch' } })).toBeUndefined();
    expect(requestedEngine({ env: {} })).toBeUndefined();
  });

  test('an unknown engine name is bad input (exit 2), naming the source and what is allowed', () => {
    expect(() => requestedEngine({ flag: 'containerd', env: {} })).toThrow(
      new LocalInputError('--engine must be one of docker, podman; received "containerd"'),
    );
    expect(() => requestedEngine({ env: { SECURE_ECS_ENGINE: 'Docker' } })).toThrow(LocalInputError);
  });

  test('automatic: Docker first when its daemon answers, and the choice is printed with the reason', async () => {
    const r = reporter();
    const e = await selectEngine(linux, { env: {} }, r, connectors({ docker: info('docker'), podman: info('podman') }));
    expect(e.info.kind).toBe('docker');
    expect(r.lines[0]).toMatch(/^container engine: docker 1 \(rootful, cgroup v2 cgroupfs; test\), chosen because its daemon answers/);
  });

  test('automatic: podman when no Docker daemon answers, saying why Docker was not used', async () => {
    const r = reporter();
    const e = await selectEngine({ ...linux, uid: 0 }, { env: {} }, r, connectors({ podman: info('podman') }));
    expect(e.info.kind).toBe('podman');
    expect(r.lines[0]).toMatch(/chosen because no Docker daemon answers \(no Docker daemon answers on unix:\/\/\/var\/run\/docker\.sock\)/);
  });

  test('an engine asked for that does not work fails with the reason, and does not fall back', async () => {
    await expect(
      selectEngine(
        linux,
        { flag: 'docker', env: {} },
        reporter(),
        connectors({ docker: 'permission denied on unix:///var/run/docker.sock', podman: info('podman') }),
      ),
    ).rejects.toThrow('--engine docker, but docker does not work: permission denied on unix:///var/run/docker.sock');
  });

  test('macOS without an engine: the message names Docker Desktop, colima and podman machine', async () => {
    const err = await selectEngine(mac, { env: {} }, reporter(), connectors({ podmanInstalled: false })).catch((e) => e);
    expect(err).toBeInstanceOf(LocalStepError);
    expect(err.message).toMatch(
      /no container engine answers \(Docker: .*; podman: not installed\)\. Install one: install and start Docker Desktop .*colima.*podman machine init/,
    );
  });

  test('rootless podman on cgroup v1 is used, with a start-up warning that limits are not set', async () => {
    const r = reporter();
    await selectEngine({ ...linux, uid: 0 }, { flag: 'podman', env: {} }, r, connectors({ podman: info('podman', { rootless: true, cgroupVersion: 1 }) }));
    expect(r.lines).toContainEqual(expect.stringMatching(/^warning: rootless podman on cgroup v1 cannot set CPU or memory limits/));
  });

  test('rootless podman needs newuidmap: said before podman tries', () => {
    expect(
      rootlessPodmanProblem(
        linux,
        (cmd) => cmd !== 'newuidmap',
        () => true,
      ),
    ).toMatch(/newuidmap and newgidmap \(Debian\/Ubuntu package uidmap\)/);
    expect(
      rootlessPodmanProblem(
        linux,
        () => true,
        () => false,
      ),
    ).toMatch(/\/dev\/net\/tun readable and writable .*sudo chmod 0666 \/dev\/net\/tun/);
    expect(
      rootlessPodmanProblem(
        linux,
        () => true,
        () => true,
      ),
    ).toBeUndefined();
    expect(rootlessPodmanProblem({ ...linux, uid: 0 }, () => false)).toBeUndefined();
    expect(rootlessPodmanProblem(mac, () => false)).toBeUndefined();
  });
});

describe('platform facts and install hints', () => {
  test('off Linux nothing Linux-only is read', () => {
    const f = hostFacts('darwin');
    expect(f).toMatchObject({ platform: 'darwin', distro: [], cgroupV2Unified: false, systemd: false, hardLimits: {} });
  });

  test('os-release ID and ID_LIKE', () => {
    expect(parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')).toEqual(['ubuntu', 'debian']);
    expect(parseOsRelease('ID="rhel"\nID_LIKE="fedora centos"')).toEqual(['rhel', 'fedora', 'centos']);
  });

  test.each([
    [{ ...linux, uid: 1000 }, /`sudo apt-get install -y docker\.io` and `sudo usermod -aG docker \$USER`/],
    [{ ...linux, uid: 0 }, /^`apt-get install -y docker\.io`, or podman: `apt-get install -y podman/],
    [{ ...linux, distro: ['fedora'] }, /`sudo dnf install -y podman`/],
    [mac, /Docker Desktop .*brew install colima docker && colima start.*brew install podman && podman machine init/],
    [{ ...linux, platform: 'win32' as const }, /WSL 2/],
  ])('%#: the install command for the platform', (facts, expected) => {
    expect(engineInstallHint(facts)).toMatch(expected);
  });
});

describe('the Docker endpoint, found as the docker CLI finds it', () => {
  const base: EndpointInputs = { env: {}, homeDir: '/home/u', platform: 'linux', readFile: () => undefined, exists: () => false };
  test('DOCKER_HOST wins', () => {
    expect(resolveDockerEndpoint({ ...base, env: { DOCKER_HOST: 'tcp://10.0.0.5:2376' } })).toEqual({ host: 'tcp://10.0.0.5:2376', source: 'DOCKER_HOST' });
  });
  test("the current context's endpoint (colima registers one)", () => {
    const meta = path.join('/home/u/.docker/contexts/meta', createHash('sha256').update('colima').digest('hex'), 'meta.json');
    const files: Record<string, string> = {
      '/home/u/.docker/config.json': JSON.stringify({ currentContext: 'colima' }),
      [meta]: JSON.stringify({ Endpoints: { docker: { Host: 'unix:///home/u/.colima/default/docker.sock' } } }),
    };
    expect(resolveDockerEndpoint({ ...base, platform: 'darwin', readFile: (f) => files[f] })).toEqual({
      host: 'unix:///home/u/.colima/default/docker.sock',
      source: 'docker context colima',
    });
  });
  test('Docker Desktop on macOS without the /var/run link', () => {
    expect(resolveDockerEndpoint({ ...base, platform: 'darwin', exists: (f) => f === '/home/u/.docker/run/docker.sock' }).host).toBe(
      'unix:///home/u/.docker/run/docker.sock',
    );
  });
  test('default socket, and dockerode options per scheme', () => {
    expect(resolveDockerEndpoint(base)).toEqual({ host: 'unix:///var/run/docker.sock', source: 'default socket' });
    expect(dockerodeOptions({ host: 'unix:///var/run/docker.sock', source: '' })).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerodeOptions({ host: 'tcp://h:2375', source: '' })).toEqual({ protocol: 'http', host: 'h', port: 2375 });
    expect(dockerodeOptions({ host: 'ssh://me@h', source: '' })).toMatchObject({ protocol: 'ssh', host: 'h', port: 22, username: 'me' });
  });
  test("the bridge gateway: IPAM's, else the subnet's first host", () => {
    expect(bridgeGateway([{ Subnet: '172.17.0.0/16' }])).toBe('172.17.0.1');
    expect(bridgeGateway([{ Subnet: '192.168.5.0/24', Gateway: '192.168.5.254' }])).toBe('192.168.5.254');
    expect(bridgeGateway([{ Subnet: 'fd00::/64' }])).toBeUndefined();
  });
});

describe('the task cgroup on Docker', () => {
  const limits = { cpuUnits: 256, memoryMiB: 512 };
  test('cgroup v1, cgroupfs: one directory per controller, quota for 0.25 CPU per 100 ms', () => {
    const l = taskCgroupLayout('t1', limits, { version: 1, driver: 'cgroupfs' });
    expect(l.parent).toBe('/secure-ecs/t1');
    expect(l.writes).toEqual([
      { file: 'cpu/secure-ecs/t1/cpu.cfs_period_us', value: '100000' },
      { file: 'cpu/secure-ecs/t1/cpu.cfs_quota_us', value: '25000' },
      { file: 'memory/secure-ecs/t1/memory.limit_in_bytes', value: String(512 * 1024 * 1024) },
    ]);
    expect(l.cleanup).toEqual(['secure-ecs/t1']);
    expect(l.directories).toEqual({ v1: { cpu: '/secure-ecs/t1', memory: '/secure-ecs/t1', pids: '/secure-ecs/t1' } });
  });
  test('cgroup v2, cgroupfs: controllers enabled down the tree, cpu.max and memory.max', () => {
    const l = taskCgroupLayout('t1', limits, { version: 2, driver: 'cgroupfs' });
    expect(l.writes).toEqual(
      expect.arrayContaining([
        { file: 'secure-ecs/t1/cpu.max', value: '25000 100000' },
        { file: 'secure-ecs/cgroup.subtree_control', value: '+cpu +memory +pids' },
      ]),
    );
  });
  test('systemd driver: a slice without dashes in its own part (systemd reads dashes as nesting)', () => {
    const l = taskCgroupLayout('secure-ecs-local', limits, { version: 2, driver: 'systemd' });
    expect(l.parent).toBe('secureecs-secure_ecs_local.slice');
    expect(l.writes[0]).toEqual({ file: 'secureecs.slice/secureecs-secure_ecs_local.slice/cpu.max', value: '25000 100000' });
    expect(l.directories).toEqual({ v2: '/secureecs.slice/secureecs-secure_ecs_local.slice' });
  });
  test('the task PIDs limit is pids.max of the task cgroup, on v1 and v2', () => {
    const withPids = { ...limits, pidsLimit: 256 };
    expect(taskCgroupLayout('t1', withPids, { version: 1, driver: 'cgroupfs' }).writes).toContainEqual({ file: 'pids/secure-ecs/t1/pids.max', value: '256' });
    expect(taskCgroupLayout('t1', withPids, { version: 2, driver: 'cgroupfs' }).writes).toContainEqual({ file: 'secure-ecs/t1/pids.max', value: '256' });
    expect(taskCgroupLayout('t1', withPids, { version: 1, driver: 'cgroupfs' }).summary).toContain('pids.max 256');
    expect(taskCgroupLayout('t1', limits, { version: 1, driver: 'cgroupfs' }).writes.map((w) => w.file)).not.toContainEqual(
      expect.stringContaining('pids.max'),
    );
  });
  test('the helper script quotes every path and reads each value back', () => {
    const script = applyScript(taskCgroupLayout('t1', limits, { version: 1, driver: 'cgroupfs' }), '/host-cgroup');
    expect(script).toContain("printf '%s' '25000' > 'cpu/secure-ecs/t1/cpu.cfs_quota_us'");
    expect(script).toContain("printf '%s=%s\\n' 'cpu/secure-ecs/t1/cpu.cfs_quota_us' \"$(cat 'cpu/secure-ecs/t1/cpu.cfs_quota_us')\"");
  });
  test("v1 cleanup removes the task's directory from every hierarchy runc made it in, and nothing else", () => {
    // A cgroup tree as a v1 host has it after a task's containers are gone: the task directory empty in
    // each hierarchy (rmdir of a real cgroup directory works as on a plain one when it is empty).
    const mount = mkdtempSync(path.join(tmpdir(), 'secure-ecs-cgroup-'));
    try {
      const hierarchies = ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids', 'systemd', 'unified'];
      for (const h of hierarchies) for (const t of ['t1', 't10', 'other']) mkdirSync(path.join(mount, h, 'secure-ecs', t), { recursive: true });
      writeFileSync(path.join(mount, 'cpu', 'secure-ecs', 't1', 'busy'), ''); // a directory that is not empty stays
      const r = spawnSync('sh', ['-c', cleanupScript(taskCgroupLayout('t1', limits, { version: 1, driver: 'cgroupfs' }), mount)], { encoding: 'utf8' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      const left = hierarchies.filter((h) => existsSync(path.join(mount, h, 'secure-ecs', 't1')));
      expect(left).toEqual(['cpu']);
      for (const h of hierarchies)
        expect(readdirSync(path.join(mount, h, 'secure-ecs')).sort()).toEqual(h === 'cpu' ? ['other', 't1', 't10'] : ['other', 't10']);
    } finally {
      rmSync(mount, { recursive: true, force: true });
    }
  });
});

describe("the engines' corrections to the field report", () => {
  const task: TaskSpec = { name: 't', labels: {}, cpuUnits: 256, memoryMiB: 512, share: [], publish: [], sysctls: {}, dns: [], dnsSearch: [], extraHosts: [] };
  const fields = [
    { path: 'task.Cpu', outcome: 'honoured' as const, detail: '0.25 CPU' },
    { path: 'task.Memory', outcome: 'honoured' as const, detail: '512 MiB' },
  ];

  test('rootless podman on cgroup v1: the task limits are listed as not honoured, never as honoured', () => {
    const e = new PodmanEngine(new Podman({}), info('podman', { rootless: true, cgroupVersion: 1 }), 'l');
    const out = applyEngineNotes(fields, engineNotes(task, [], e.capabilities));
    expect(out.filter((f) => f.path.startsWith('task.')).map((f) => [f.path, f.outcome])).toEqual([
      ['task.Cpu', 'not-honoured'],
      ['task.Memory', 'not-honoured'],
    ]);
  });

  test('Docker: the task limits are the task cgroup, the network namespace is the pause container', () => {
    const e = new DockerEngine(new Docker(), info('docker', { cgroupVersion: 1 }), 'l');
    const out = applyEngineNotes(fields, engineNotes(task, [], e.capabilities));
    expect(out.find((f) => f.path === 'task.Cpu')).toMatchObject({
      outcome: 'honoured',
      detail: expect.stringMatching(/^task cgroup \/secure-ecs\/t .*CPU quota 25000 us per 100000 us, memory 512 MiB/),
    });
    expect(out.find((f) => f.path === 'task.NetworkMode')?.detail).toMatch(/a pause container \(t-pause\) owns the task's network namespace/);
  });

  test('the task PIDs limit: honoured by rootful podman, Docker and rootless podman on v2 with pids delegated and the systemd manager; not by rootless podman otherwise, remote podman nor rootless Docker', () => {
    const withPids = { ...task, pidsLimit: 256 };
    const pids = (e: { capabilities: EngineCapabilities }) =>
      engineNotes(withPids, [], e.capabilities).find((f) => f.path === 'host.ECS_TASK_PIDS_LIMIT')?.outcome;
    expect(pids(new PodmanEngine(new Podman({}), info('podman', { cgroupVersion: 1 }), 'l'))).toBe('honoured');
    expect(pids(new PodmanEngine(new Podman({}), info('podman', { rootless: true }), 'l'))).toBe('not-honoured');
    const delegated = ['cpu', 'memory', 'pids'];
    expect(pids(new PodmanEngine(new Podman({}), info('podman', { rootless: true, cgroupDriver: 'systemd', cgroupControllers: delegated }), 'l'))).toBe(
      'honoured',
    );
    expect(pids(new PodmanEngine(new Podman({}), info('podman', { rootless: true, cgroupControllers: delegated }), 'l'))).toBe('not-honoured');
    expect(pids(new PodmanEngine(new Podman({}), info('podman', { rootless: true, cgroupControllers: ['cpu', 'memory'] }), 'l'))).toBe('not-honoured');
    expect(pids(new PodmanEngine(new Podman({}), info('podman', { rootless: true, cgroupVersion: 1, cgroupControllers: delegated }), 'l'))).toBe(
      'not-honoured',
    );
    expect(pids(new PodmanEngine(new Podman({}), info('podman', { remote: true }), 'l'))).toBe('not-honoured');
    expect(pids(new DockerEngine(new Docker(), info('docker', { cgroupVersion: 1 }), 'l'))).toBe('honoured');
    expect(pids(new DockerEngine(new Docker(), info('docker', { rootless: true }), 'l'))).toBe('not-honoured');
    expect(engineNotes(task, [], new PodmanEngine(new Podman({}), info('podman'), 'l').capabilities).some((f) => f.path.startsWith('host.'))).toBe(false);
  });

  test('rootless Docker: the task limits are not honoured', () => {
    const e = new DockerEngine(new Docker(), info('docker', { rootless: true }), 'l');
    expect(
      engineNotes(task, [], e.capabilities)
        .filter((f) => f.path.startsWith('task.C') || f.path === 'task.Memory')
        .map((f) => f.outcome),
    ).toEqual(['not-honoured', 'not-honoured']);
  });
});
