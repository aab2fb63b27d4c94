/**
 * End-to-end: the synthesized task definition, given the shape a `database.engine` template has
 * (an RDS instance, DB_* environment, the master secret's username/password as ECS secrets, an EFS
 * volume through an access point), runs on the chosen engine with the real RDS stand-in: Debian's
 * MariaDB server in its own container outside the task, TLS required, its data and the EFS volume
 * kept across a restart of the task. The fixture changes only what cdk.out lacks (the `database`
 * helper's template), through prepare's `transformAssembly` seam.
 */
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import type { AssemblyTask } from '../../lib/local/assembly-task';
import type { DockerEngine } from '../../lib/local/engines/docker/engine';
import type { PodmanEngine } from '../../lib/local/engines/podman/engine';
import { createLocalTask } from '../../lib/local/create-task';
import { prepare, type PreparedTask } from '../../lib/local/prepare';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { TaskRunner } from '../../lib/local/runner/task-runner';
import { StandinFiles } from '../../lib/local/standin/standin-files';
import { standinSecretValues } from '../../lib/local/standin/standin';
import * as net from 'node:net';
import * as os from 'node:os';
import { ROOT, engine, freePort, inside, quiet, request } from './helpers';

const TASK = `secure-ecs-e2e-db-${process.pid}`;
const DB = 'AppDatabase';
const CA_PATH = '/etc/ssl/certs/rds-ca.pem';
const DATA_PATH = '/srv/app-data';

/** The task definition as the `database` contract shapes it (mariadb, an EFS volume at DATA_PATH). */
function withDatabase(a: AssemblyTask): AssemblyTask {
  const props = structuredClone(a.properties) as Record<string, any>;
  const app = props.ContainerDefinitions.find((d: any) => !d.PortMappings?.length);
  const secretArn = (key: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [DB, 'MasterUserSecret.SecretArn'] }, `:${key}::`]] });
  app.Environment = [
    ...(app.Environment ?? []),
    { Name: 'DB_ENGINE', Value: 'mariadb' },
    { Name: 'DB_HOST', Value: { 'Fn::GetAtt': [DB, 'Endpoint.Address'] } },
    { Name: 'DB_PORT', Value: '3306' },
    { Name: 'DB_NAME', Value: 'app' },
    { Name: 'DB_TLS_CA_FILE', Value: CA_PATH },
  ];
  app.Secrets = [...(app.Secrets ?? []), { Name: 'DB_USER', ValueFrom: secretArn('username') }, { Name: 'DB_PASSWORD', ValueFrom: secretArn('password') }];
  // Added to the template's own (the FastCGI socket's volume, app.fastcgiTransport "unix").
  app.MountPoints = [...(app.MountPoints ?? []), { SourceVolume: 'uploads', ContainerPath: DATA_PATH, ReadOnly: false }];
  props.Volumes = [
    ...(props.Volumes ?? []),
    {
      Name: 'uploads',
      EFSVolumeConfiguration: {
        FilesystemId: { Ref: 'Fs' },
        TransitEncryption: 'ENABLED',
        AuthorizationConfig: { AccessPointId: { Ref: 'Ap' }, IAM: 'ENABLED' },
      },
    },
  ];
  return {
    ...a,
    properties: props,
    database: { logicalId: DB, engine: 'mariadb', port: 3306, databaseName: 'app' },
    accessPoints: { Ap: { owner: { uid: 33, gid: 33, mode: '750' }, posixUser: { uid: 33, gid: 33 } } },
  };
}

let prepared: PreparedTask;
let runner: TaskRunner | undefined;
let appCtr = '';

async function startFixtureTask(): Promise<void> {
  const e = await engine();
  prepared = await prepare({ taskName: TASK, projectDir: ROOT, hostPort: await freePort(), reporter: quiet, engine: e, transformAssembly: withDatabase });
  const secrets = new Map(
    [...standinSecretValues(prepared.assembly.properties, TASK, prepared.standin!.db, prepared.standin!.credentials)].map(([id, v]) => [id, v.value]),
  );
  await createLocalTask(e, prepared, secrets, quiet);
  runner = new TaskRunner(
    prepared.plan,
    e,
    () => undefined,
    () => undefined,
    { mode: 'foreground' },
  );
  await runner.start();
  appCtr = prepared.translated.containers.find((c) => c.spec.env.DB_HOST)!.containerName;
}

async function stopFixtureTask(): Promise<void> {
  if (runner) await runner.stop('test done');
  runner = undefined;
  await (await engine()).removeTask(TASK);
}

/**
 * Run the stand-in image's database client in the task's network namespace (as a container of the
 * task would connect), with the CA at /ca.crt; resolves with the exit code and output.
 */
function clientInTask(args: string[], password: string): Promise<{ code: number; out: string }> {
  return inTaskNetwork(['mariadb', '--no-defaults', '--connect-timeout=5', ...args], password);
}

/**
 * Run a command of the stand-in image in the task's network namespace (or, with `network`, on that
 * engine network instead: the control that shows a destination is reachable at all).
 */
async function inTaskNetwork(cmd: string[], password = '', network?: string): Promise<{ code: number; out: string }> {
  const e = await engine();
  const image = prepared.standin!.spec.image;
  const ca = prepared.standin!.caFile;
  if (e.info.kind === 'docker') {
    const docker: Docker = (e as DockerEngine).docker;
    const c = await docker.createContainer({
      Image: image,
      Entrypoint: cmd,
      Env: [`MYSQL_PWD=${password}`],
      Labels: { [TASK_LABEL_KEY]: TASK },
      HostConfig: { NetworkMode: network ?? `container:${TASK}-pause`, Binds: [`${ca}:/ca.crt:ro`], ReadonlyRootfs: true, CapDrop: ['ALL'] },
    });
    try {
      await c.start();
      const { StatusCode } = await c.wait();
      const logs = (await c.logs({ stdout: true, stderr: true })) as unknown as Buffer;
      return { code: StatusCode, out: demux(logs) };
    } finally {
      await c.remove({ force: true });
    }
  }
  const r = await (e as PodmanEngine).podman.run(
    [
      'run',
      '--rm',
      ...(network ? ['--network', network] : ['--pod', TASK]),
      '--label',
      `${TASK_LABEL_KEY}=${TASK}`,
      '--env',
      `MYSQL_PWD=${password}`,
      '--volume',
      `${ca}:/ca.crt:ro`,
      '--read-only',
      '--cap-drop',
      'ALL',
      '--entrypoint',
      JSON.stringify(cmd),
      image,
    ],
    { timeoutMs: 60_000 },
  );
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

/** The text of Docker's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, size). */
function demux(buf: Buffer): string {
  let out = '';
  for (let i = 0; i + 8 <= buf.length;) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString('utf8');
    i += 8 + size;
  }
  return out;
}

beforeAll(async () => {
  // A clean start: no data or login of an earlier run of this (pid-scoped) task.
  await (await engine()).removeVolumes(TASK);
  new StandinFiles(TASK).remove();
  await startFixtureTask();
}, 25 * 60_000);

afterAll(async () => {
  await stopFixtureTask().catch(() => undefined);
  await (await engine()).removeVolumes(TASK);
  new StandinFiles(TASK).remove();
}, 5 * 60_000);

describe('the RDS stand-in', () => {
  test('the field report lists it, and what of RDS and EFS is not honoured', () => {
    const f = (p: string) => prepared.fields.find((x) => x.path === p);
    expect(f(`rds.${DB}.Engine`)?.detail).toContain(`container ${TASK}-database, outside the task`);
    expect(f(`rds.${DB}.BackupRetentionPeriod`)?.outcome).toBe('not-honoured');
    expect(f('task.Volumes.uploads')?.outcome).toBe('honoured');
    expect(f('task.Volumes.uploads.TransitEncryption')?.outcome).toBe('not-honoured');
    expect(f('task.Volumes.uploads.AuthorizationConfig.IAM')?.outcome).toBe('not-honoured');
  });

  test('the app sees the stand-in host name, the port and the local CA at DB_TLS_CA_FILE', async () => {
    const env = await inside(appCtr, 'echo "$DB_HOST $DB_PORT $DB_NAME"; cat "$DB_TLS_CA_FILE"');
    expect(env.code).toBe(0);
    expect(env.out).toContain(`${prepared.standin!.spec.alias} 3306 app`);
    expect(env.out).toContain(readFileSync(prepared.standin!.caFile, 'utf8').trim());
  });

  test("the ECS secrets DB_USER and DB_PASSWORD hold the stand-in's login", async () => {
    const { username, password } = prepared.standin!.credentials;
    // Compared inside the container: the values never reach the test output.
    const r = await inside(appCtr, `[ "$DB_USER" = '${username}' ] && [ "$DB_PASSWORD" = '${password}' ] && echo same`);
    expect(r.out.trim()).toBe('same');
  });

  test('from the task, a TLS connection verified against the local CA works', async () => {
    const { username, password } = prepared.standin!.credentials;
    const r = await clientInTask(
      ['-h', prepared.standin!.spec.alias, '-u', username, '--ssl-ca=/ca.crt', '--ssl-verify-server-cert', '-e', "SHOW STATUS LIKE 'Ssl_version'", 'app'],
      password,
    );
    expect(r.out).toMatch(/Ssl_version\s+TLSv1\.[23]/);
    expect(r.code).toBe(0);
  });

  test('from the task, a connection without TLS is refused by the server', async () => {
    const { username, password } = prepared.standin!.credentials;
    const r = await clientInTask(['-h', prepared.standin!.spec.alias, '-u', username, '--skip-ssl', '-e', 'SELECT 1', 'app'], password);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('insecure transport are prohibited');
  });

  test('the stand-in runs hardened: non-root, read-only root, no capabilities', async () => {
    const d = await (await engine()).inspectRaw(`${TASK}-database`);
    expect(d.Config.User).toBe('999:999');
    expect(d.HostConfig.ReadonlyRootfs).toBe(true);
    const caps = await inside(`${TASK}-database`, "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status");
    expect(caps.out).toMatch(/CapEff:\s+0+\b/);
    expect(caps.out).toMatch(/NoNewPrivs:\s+1/);
  });
});

describe('egress: a destination the template does not allow is blocked', () => {
  let listener: net.Server;
  let listenPort = 0;
  /** Addresses of this machine a container could use: the engine bridge's gateway and the host's own. */
  const hostAddresses = () =>
    Object.values(os.networkInterfaces())
      .flat()
      .filter((i): i is os.NetworkInterfaceInfo => Boolean(i && i.family === 'IPv4' && !i.internal && !/^br-/.test(i.address)))
      .map((i) => i.address);
  const connect = (host: string, port: number, network?: string) =>
    inTaskNetwork(['bash', '-c', `timeout 3 bash -c 'echo > /dev/tcp/${host}/${port}' 2>/dev/null && echo connected || echo blocked`], '', network);

  beforeAll(async () => {
    listenPort = await freePort();
    listener = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => listener.listen(listenPort, '0.0.0.0', resolve));
  });
  // Not awaited: close waits for connections the kernel may still hold half-open.
  afterAll(() => void listener.close());

  test('the field report says how egress is restricted, or that it is not', async () => {
    const f = prepared.fields.find((x) => x.path === 'task.Egress')!;
    expect(f.outcome).toBe((await engine()).info.kind === 'docker' ? 'honoured' : 'not-honoured');
  });

  test('a listener on this machine: reachable from the engine default network, not from the task', async () => {
    if ((await engine()).info.kind !== 'docker') return expect(prepared.fields.find((x) => x.path === 'task.Egress')?.outcome).toBe('not-honoured');
    const addresses = hostAddresses();
    expect(addresses.length).toBeGreaterThan(0);
    for (const host of addresses) {
      // The control: a container on the default bridge (where the task used to be) reaches it.
      expect({ host, from: 'bridge', r: (await connect(host, listenPort, 'bridge')).out.trim() }).toEqual({ host, from: 'bridge', r: 'connected' });
      expect({ host, from: 'task', r: (await connect(host, listenPort)).out.trim() }).toEqual({ host, from: 'task', r: 'blocked' });
    }
  });

  test('the database the template allows stays reachable', async () => {
    expect((await connect(prepared.standin!.spec.alias, 3306)).out.trim()).toBe('connected');
  });

  test('the published port still serves (through the ingress relay on Docker)', async () => {
    const r = await request(prepared.plan.hostPort, '/healthz');
    expect(r.status).toBe(200);
  });
});

describe('data kept between starts', () => {
  test('a row written before a restart of task and stand-in is read after it; the EFS volume keeps its file and owner', async () => {
    const { username, password } = prepared.standin!.credentials;
    const login = ['-h', prepared.standin!.spec.alias, '-u', username, '--ssl-ca=/ca.crt', '--ssl-verify-server-cert', 'app'];
    const w = await clientInTask([...login, '-e', "CREATE TABLE kept (v VARCHAR(20)); INSERT INTO kept VALUES ('before-restart')"], password);
    expect(w.code).toBe(0);
    const efs = await inside(appCtr, `echo kept > ${DATA_PATH}/file && stat -c '%u:%g %a' ${DATA_PATH}`);
    expect(efs.out.trim()).toBe('33:33 750');

    await stopFixtureTask();
    expect(await (await engine()).listContainers(TASK_LABEL_KEY, TASK)).toEqual([]);
    await startFixtureTask();

    const r = await clientInTask([...login, '-N', '-e', 'SELECT v FROM kept'], password);
    expect(r.out.trim()).toBe('before-restart');
    expect((await inside(appCtr, `cat ${DATA_PATH}/file`)).out.trim()).toBe('kept');
    // Anywhere else the root stays read-only.
    expect((await inside(appCtr, 'touch /srv/app/x 2>&1')).code).not.toBe(0);
  });
});
