/**
 * The CIS Docker Benchmark checks of the end-to-end suite (test/e2e/cis-docker-checks.ts), on inspect
 * documents shaped as Docker returns them: a hardened container passes every check, and removing or
 * weakening one setting makes exactly its check report, so the e2e comparison cannot pass by accident.
 */
import { benchWarnings, cisFindings, type ContainerFacts, type ImageFacts } from '../e2e/cis-docker-checks';

const hardened = (): any => ({
  AppArmorProfile: 'docker-default',
  Config: { User: '101:101' },
  State: { Running: true, Health: { Status: 'healthy' } },
  HostConfig: {
    NetworkMode: 'container:t-pause',
    PidMode: '',
    IpcMode: 'private',
    UTSMode: '',
    UsernsMode: '',
    Privileged: false,
    ReadonlyRootfs: true,
    CapDrop: ['ALL'],
    CapAdd: null,
    SecurityOpt: ['no-new-privileges'],
    Memory: 128 * 1024 * 1024,
    CpuShares: 64,
    NanoCpus: 0,
    PidsLimit: 64,
    Ulimits: [{ Name: 'nofile', Soft: 4096, Hard: 4096 }],
    Devices: [],
    CgroupParent: '',
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
  },
  Mounts: [],
  NetworkSettings: { Ports: {}, Networks: {} },
});
const image: ImageFacts = { ref: 'localhost/app:1', inspect: { Config: { Healthcheck: { Test: ['CMD', 'true'] } } }, history: ['COPY x /x', 'mmdebstrap'] };
const ids = (c: any, processes: string[] = ['sleep infinity'], images = [image]) =>
  cisFindings([{ name: 'c', inspect: c, processes } satisfies ContainerFacts], images).map((f) => f.id);

test('a hardened container and image pass every check', () => {
  expect(ids(hardened())).toEqual([]);
});

test.each<[string, (c: any) => void]>([
  ['4.1', (c) => (c.Config.User = '0:0')],
  ['5.2', (c) => (c.AppArmorProfile = 'unconfined')],
  // No security option at all: no no-new-privileges either.
  ['5.3 5.26', (c) => (c.HostConfig.SecurityOpt = [])],
  ['5.4', (c) => (c.HostConfig.CapAdd = ['CAP_SYS_ADMIN', 'NET_RAW'])],
  ['5.5', (c) => (c.HostConfig.Privileged = true)],
  ['5.6', (c) => c.Mounts.push({ Type: 'bind', Source: '/etc', Destination: '/host-etc', RW: true, Propagation: 'rprivate' })],
  // A privileged port is a published port too.
  ['5.8 5.9', (c) => (c.NetworkSettings.Ports = { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '80' }] })],
  ['5.10', (c) => (c.HostConfig.NetworkMode = 'host')],
  ['5.11', (c) => (c.HostConfig.Memory = 0)],
  ['5.12', (c) => (c.HostConfig.CpuShares = 0)],
  ['5.13', (c) => (c.HostConfig.ReadonlyRootfs = false)],
  ['5.15', (c) => (c.HostConfig.RestartPolicy = { Name: 'on-failure', MaximumRetryCount: 10 })],
  ['5.16', (c) => (c.HostConfig.PidMode = 'host')],
  ['5.17', (c) => (c.HostConfig.IpcMode = 'host')],
  ['5.18', (c) => (c.HostConfig.Devices = [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }])],
  ['5.19', (c) => (c.HostConfig.Ulimits = null)],
  ['5.20', (c) => c.Mounts.push({ Type: 'volume', Source: '/var/lib/docker/volumes/v', Destination: '/data', RW: false, Propagation: 'rshared' })],
  ['5.21', (c) => (c.HostConfig.UTSMode = 'host')],
  ['5.25', (c) => (c.HostConfig.CgroupParent = '/secure-ecs/t')],
  ['5.27', (c) => delete c.State.Health],
  ['5.29', (c) => (c.HostConfig.PidsLimit = null)],
  ['5.30', (c) => (c.NetworkSettings.Networks = { bridge: {} })],
  ['5.31', (c) => (c.HostConfig.UsernsMode = 'host')],
  ['5.32', (c) => c.Mounts.push({ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: false, Propagation: 'rprivate' })],
])('%s: reported when its setting is removed or weakened', (expected, weaken) => {
  const c = hardened();
  weaken(c);
  expect(ids(c)).toEqual(expected.split(' '));
});

test('5.22 and 5.26: seccomp unconfined and no no-new-privileges, each its own finding', () => {
  const c = hardened();
  c.HostConfig.SecurityOpt = ['seccomp=unconfined'];
  expect(ids(c)).toEqual(['5.22', '5.26']);
});

test('5.7: a process named sshd', () => {
  expect(ids(hardened(), ['/usr/sbin/sshd -D'])).toEqual(['5.7']);
});

test('ports: 5.9 lists every published port; 5.14 one bound to all interfaces', () => {
  const c = hardened();
  c.NetworkSettings.Ports = { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] };
  expect(cisFindings([{ name: 'p', inspect: c, processes: [] }], []).map((f) => `${f.id} ${f.detail}`)).toEqual(['5.9 127.0.0.1:18080']);
  c.NetworkSettings.Ports['8080/tcp'][0].HostIp = '0.0.0.0';
  expect(ids(c)).toEqual(['5.9', '5.14']);
});

test('images: 4.6 without HEALTHCHECK, 4.7 an update, 4.9 an ADD above the base layer', () => {
  expect(ids(hardened(), [], [{ ...image, inspect: { Config: { Healthcheck: null } } }])).toEqual(['4.6']);
  expect(ids(hardened(), [], [{ ...image, history: ['RUN apt-get update && apt-get install -y nginx', 'ADD file:x in /'] }])).toEqual(['4.7']);
  expect(ids(hardened(), [], [{ ...image, history: ['ADD app.tar /srv', 'ADD file:x in /'] }])).toEqual(['4.9']);
});

test("docker-bench-security's WARN ids, once each, from its text output", () => {
  const out =
    '[PASS] 5.1 - Ensure swarm\n[WARN] 5.2 - Ensure AppArmor\n[WARN]      * No AppArmorProfile Found: x\n[INFO] 5.19 - ulimit\n[WARN] 5.29 - PIDs\n[WARN] 5.2 - again\n';
  expect(benchWarnings(out)).toEqual(['5.2', '5.29']);
});
