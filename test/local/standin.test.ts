/**
 * The RDS stand-in and EFS volumes, pure parts: the synthesized task definition given the shape a
 * `database.engine` template has (the contract with the `database` work: an RDS instance, DB_*
 * environment with the endpoint as Fn::GetAtt, the master secret's JSON keys as ECS secrets, an EFS
 * volume through an access point), translated and rendered for both engines.
 */
import { dockerContainerBody, dockerPauseBody } from '../../lib/local/engines/docker/api';
import { dockerIngressBody, dockerStandinBody } from '../../lib/local/engines/docker/standin';
import { podmanCreateArgs, podmanPodArgs } from '../../lib/local/engines/podman/args';
import { podmanStandinArgs, standinSecretName } from '../../lib/local/engines/podman/standin';
import { volumeOwnerRun } from '../../lib/local/engines/volume-owner';
import { standinFields, standinSecretValues } from '../../lib/local/standin/standin';
import { generateCredentials, parseTlsOutput } from '../../lib/local/standin/standin-files';
import { standinNames, standinSpec } from '../../lib/local/standin/standin-spec';
import { databaseOfTemplate, endpointOverrides, masterSecretKey, standinHost, type TemplateDatabase } from '../../lib/local/standin/template-database';
import { accessPointsOfTemplate, translateVolumes } from '../../lib/local/translate/efs-volumes';
import { translateTask } from '../../lib/local/translate/task';
import { synth } from '../helpers/synth';

const DB = 'AppDatabaseInstance';
const secretArn = (key: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [DB, 'MasterUserSecret.SecretArn'] }, `:${key}::`]] });

/** The contract's template resources around the synthesized task definition. */
function contractTemplate(engine: string): Record<string, any> {
  const base = synth().template.toJSON() as Record<string, any>;
  const [tdId, td] = Object.entries<any>(base.Resources).find(([, r]) => r.Type === 'AWS::ECS::TaskDefinition')!;
  const props = structuredClone(td.Properties);
  const app = props.ContainerDefinitions.find((d: any) => !d.PortMappings?.length);
  app.Environment = [
    ...(app.Environment ?? []),
    { Name: 'DB_ENGINE', Value: engine },
    { Name: 'DB_HOST', Value: { 'Fn::GetAtt': [DB, 'Endpoint.Address'] } },
    { Name: 'DB_PORT', Value: engine === 'mariadb' ? '3306' : '5432' },
    { Name: 'DB_NAME', Value: 'app' },
    { Name: 'DB_TLS_CA_FILE', Value: '/etc/ssl/certs/rds-ca.pem' },
  ];
  app.Secrets = [
    { Name: 'DB_USER', ValueFrom: secretArn('username') },
    { Name: 'DB_PASSWORD', ValueFrom: secretArn('password') },
  ];
  app.MountPoints = [{ SourceVolume: 'uploads', ContainerPath: '/srv/app-data', ReadOnly: false }];
  props.Volumes = [
    {
      Name: 'uploads',
      EFSVolumeConfiguration: {
        FilesystemId: { Ref: 'Fs' },
        TransitEncryption: 'ENABLED',
        AuthorizationConfig: { AccessPointId: { 'Fn::GetAtt': ['Ap', 'AccessPointId'] }, IAM: 'ENABLED' },
      },
    },
  ];
  return {
    Resources: {
      [tdId]: { ...td, Properties: props },
      [DB]: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: engine, StorageEncrypted: true, ManageMasterUserPassword: true } },
      Ap: {
        Type: 'AWS::EFS::AccessPoint',
        Properties: {
          FileSystemId: { Ref: 'Fs' },
          PosixUser: { Uid: '33', Gid: '33' },
          RootDirectory: { Path: '/uploads', CreationInfo: { OwnerUid: '33', OwnerGid: '33', Permissions: '750' } },
        },
      },
    },
  };
}

const template = contractTemplate('mariadb');
const taskProps = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition').Properties;
const db = databaseOfTemplate(template)!;

describe('what the stand-in reads of the template', () => {
  test('the database instance: engine, its default port, the database name', () => {
    expect(db).toEqual({ logicalId: DB, engine: 'mariadb', port: 3306, databaseName: 'app', internetHttps: false });
    expect(databaseOfTemplate(contractTemplate('postgres'))).toMatchObject({ engine: 'postgres', port: 5432 });
    expect(databaseOfTemplate(synth().template.toJSON())).toBeUndefined();
  });

  test('an engine the stand-in cannot run fails naming the value and what is allowed', () => {
    const t = contractTemplate('mariadb');
    t.Resources[DB].Properties.Engine = 'aurora-mysql';
    expect(() => databaseOfTemplate(t)).toThrow(`${DB}.Engine is "aurora-mysql"; the local stand-in runs mariadb or postgres`);
  });

  test('DB_HOST (the endpoint address) becomes the stand-in host name; literal values stay', () => {
    const o = endpointOverrides(taskProps.ContainerDefinitions, db);
    expect(Object.keys(o)).toEqual(['DB_HOST']);
    expect(o.DB_HOST.value).toBe(standinHost(db));
    expect(standinHost(db)).toBe('appdatabaseinstance.rds-standin.internal');
  });

  test("the master secret's JSON keys map to the stand-in's login; other secrets do not", () => {
    expect(masterSecretKey(secretArn('username'), db)).toBe('username');
    expect(masterSecretKey(secretArn('password'), db)).toBe('password');
    expect(masterSecretKey({ 'Fn::GetAtt': [DB, 'MasterUserSecret.SecretArn'] }, db)).toBeUndefined();
    expect(masterSecretKey('arn:aws:secretsmanager:eu-west-1:1:secret:other:password::', db)).toBeUndefined();
    expect(masterSecretKey(secretArn('username'), { ...db, logicalId: 'OtherDb' } as TemplateDatabase)).toBeUndefined();
  });

  test('standinSecretValues gives each such secret its value under the id the translation uses', () => {
    const creds = { username: 'app_u', password: 'p4ss' };
    const values = standinSecretValues(taskProps, 'task', db, creds);
    const t = translateTask(taskProps, { taskName: 'task', labelKey: 'l', images: images() });
    const ids = t.containers.flatMap((c) => c.secrets.map((s) => [s.envName, s.secretId]));
    expect(ids.map(([env, id]) => [env, values.get(id)?.value])).toEqual([
      ['DB_USER', 'app_u'],
      ['DB_PASSWORD', 'p4ss'],
    ]);
  });

  test('generated logins use only the characters start-standin accepts', () => {
    const c = generateCredentials();
    expect(c.username).toMatch(/^app_[a-f0-9]{8}$/);
    expect(c.password).toMatch(/^[a-f0-9]{48}$/);
    expect(generateCredentials().password).not.toBe(c.password);
  });
});

function images() {
  return Object.fromEntries(taskProps.ContainerDefinitions.map((d: any) => [d.Name, { ref: `localhost/${d.Name}:1`, origin: 'test' }]));
}

describe('EFS volumes locally', () => {
  const aps = accessPointsOfTemplate(template);
  const t = translateTask(taskProps, {
    taskName: 'task',
    labelKey: 'l',
    images: images(),
    accessPoints: aps,
    fileAtPathOf: { DB_TLS_CA_FILE: { hostFile: '/cache/ca.crt', reason: 'local CA' } },
  });
  const app = t.containers.find((c) => c.spec.env.DB_ENGINE)!;

  test("the access point's CreationInfo is the new volume's owner and mode", () => {
    expect(aps.Ap).toEqual({ owner: { uid: 33, gid: 33, mode: '750' }, posixUser: { uid: 33, gid: 33 } });
    expect(t.task.volumes).toEqual([{ name: 'task-efs-uploads', owner: { uid: 33, gid: 33, mode: '750' } }]);
  });

  test('the mount point mounts the volume read-write; the CA file is bound read-only at DB_TLS_CA_FILE', () => {
    expect(app.spec.mounts).toEqual([
      { kind: 'bind', source: '/cache/ca.crt', target: '/etc/ssl/certs/rds-ca.pem', readOnly: true },
      { kind: 'volume', source: 'task-efs-uploads', target: '/srv/app-data', readOnly: false },
    ]);
  });

  test('path, persistence and owner are honoured; transit encryption, IAM and the POSIX user are reported as not', () => {
    const by = Object.fromEntries(t.fields.map((f) => [f.path, f]));
    expect(by['task.Volumes.uploads'].outcome).toBe('honoured');
    expect(by['task.Volumes.uploads'].detail).toContain('owner 33:33 and mode 750');
    expect(by[`${app.name}.MountPoints./srv/app-data`].outcome).toBe('honoured');
    expect(by['task.Volumes.uploads.TransitEncryption'].outcome).toBe('not-honoured');
    expect(by['task.Volumes.uploads.AuthorizationConfig.IAM'].outcome).toBe('not-honoured');
    expect(by['task.Volumes.uploads.AccessPoint.PosixUser'].outcome).toBe('not-honoured');
    expect(by[`${app.name}.Environment.DB_TLS_CA_FILE`].outcome).toBe('deviation');
  });

  test('volume names that differ only in case get engine volumes of their own', () => {
    const efs = { FilesystemId: 'fs-1', TransitEncryption: 'ENABLED' };
    const v = translateVolumes(
      [
        { Name: 'Data', EFSVolumeConfiguration: efs },
        { Name: 'data', EFSVolumeConfiguration: efs },
      ],
      'task',
      {},
    );
    expect([v.byName.Data.name, v.byName.data.name]).toEqual(['task-efs-Data', 'task-efs-data']);
  });

  test('a volume that is not EFS is reported as not created, and its mount point too', () => {
    const v = translateVolumes([{ Name: 'scratch', Host: {} }], 'task', {});
    expect(v.byName).toEqual({});
    expect(v.fields).toEqual([expect.objectContaining({ path: 'task.Volumes.scratch', outcome: 'not-honoured' })]);
  });

  test('both engines mount them', () => {
    const body = dockerContainerBody(app.spec, t.task, undefined, new Map([...app.secrets].map((s) => [s.secretId, 'x'])));
    expect(body.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: '/cache/ca.crt', Target: '/etc/ssl/certs/rds-ca.pem', ReadOnly: true },
      { Type: 'volume', Source: 'task-efs-uploads', Target: '/srv/app-data', ReadOnly: false },
    ]);
    const args = podmanCreateArgs(app.spec, 'task');
    expect(args).toContain('type=bind,source=/cache/ca.crt,target=/etc/ssl/certs/rds-ca.pem,ro');
    expect(args).toContain('type=volume,source=task-efs-uploads,target=/srv/app-data');
  });

  test('the owner setup keeps only CHOWN and FOWNER and refuses values that are not numbers and modes', () => {
    const run = volumeOwnerRun({ name: 'v', owner: { uid: 33, gid: 33, mode: '750' } }, 'img', {}, 'v:/volume');
    expect(run.capAdd).toEqual(['CHOWN', 'FOWNER']);
    expect(run.cmd).toEqual(['-c', 'chown 33:33 /volume && chmod 750 /volume']);
    expect(() => volumeOwnerRun({ name: 'v', owner: { uid: 33, gid: 33, mode: '7; rm -rf /' } }, 'img', {}, 'v:/volume')).toThrow(/bad owner/);
  });

  test('the default task definition (no database, no EFS) has no networks, and no volumes or mounts but the FastCGI socket', () => {
    const base = translateTask(
      synth().template.toJSON().Resources &&
        Object.values<any>(synth().template.toJSON().Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition').Properties,
      {
        taskName: 'task',
        labelKey: 'l',
        images: images(),
      },
    );
    expect(base.task.volumes?.map((v) => [v.name, v.scope, v.driver])).toEqual([['task-task-fcgi-socket', 'task', 'local']]);
    expect(base.task.network).toBeUndefined();
    expect(base.containers.map((c) => c.spec.mounts?.map((m) => [m.source, m.target]))).toEqual(
      base.containers.map(() => [['task-task-fcgi-socket', '/run/fcgi']]),
    );
    expect(podmanPodArgs(base.task)).not.toContain('--network');
  });
});

describe('the stand-in container on each engine', () => {
  const spec = standinSpec('task', db, { image: 'localhost/standin:1', alias: standinHost(db), labelKey: 'secure-ecs.local' });
  const taskNetwork = { name: spec.network, relayImage: spec.image };
  const secrets = new Map([
    ['STANDIN_DB_USER', 'app_u'],
    ['STANDIN_DB_PASSWORD', 'secret-pw'],
    ['STANDIN_TLS_CERT', 'cert-pem-text'],
    ['STANDIN_TLS_KEY', 'key-pem-text'],
  ]);

  test('Docker: its own namespaces on the internal network under the host name, hardened, data in the volume', () => {
    const b = dockerStandinBody(spec, secrets);
    expect(b.HostConfig).toMatchObject({
      NetworkMode: standinNames('task').network,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Mounts: [{ Type: 'volume', Source: 'task-database-data', Target: '/var/lib/mysql' }],
      Memory: 512 * 1024 * 1024,
      PidsLimit: 256,
    });
    expect(b.User).toBe('999:999');
    expect(b.NetworkingConfig?.EndpointsConfig?.[spec.network].Aliases).toEqual([standinHost(db)]);
    expect(b.Env).toEqual(expect.arrayContaining(['STANDIN_DB_NAME=app', 'STANDIN_PORT=3306', 'STANDIN_DB_PASSWORD=secret-pw']));
    expect(() => dockerStandinBody(spec, new Map())).toThrow(/no value for the stand-in's STANDIN_DB_USER/);
  });

  test('podman: the secrets are podman secrets, never values in argv', () => {
    const a = podmanStandinArgs(spec);
    for (const value of secrets.values()) expect(a.join(' ')).not.toContain(value);
    expect(a).toContain(`${standinSecretName(spec, 'STANDIN_DB_PASSWORD')},type=env,target=STANDIN_DB_PASSWORD`);
    expect(a).toEqual(
      expect.arrayContaining(['--network', spec.network, '--network-alias', spec.alias, '--user', '999:999', '--read-only', '--cap-drop', 'ALL']),
    );
    expect(a).toContain('/run/standin:rw,noexec,nosuid,nodev,size=16m,mode=0700,U,notmpcopyup');
    expect(a.at(-1)).toBe('localhost/standin:1');
  });

  test("Docker: the task's namespace owner joins the stand-in's network", () => {
    const t = translateTask(taskProps, { taskName: 'task', labelKey: 'l', images: images() });
    t.task.network = taskNetwork;
    expect(dockerPauseBody(t.task, 'img', undefined).HostConfig.NetworkMode).toBe(spec.network);
  });

  test('podman: the pod stays on the default network only; the stand-in joins it too', () => {
    const t = translateTask(taskProps, { taskName: 'task', labelKey: 'l', images: images(), hostPorts: { 8080: 18080 } });
    t.task.network = taskNetwork;
    const args = podmanPodArgs(t.task);
    // One --network: a second one (the internal network) made the published port forward where the host has no route.
    expect(args.filter((a) => a === '--network')).toHaveLength(1);
    expect(args.join(' ')).toContain('--network podman');
    expect(args).not.toContain(spec.network);
    expect(args.join(' ')).toContain('--publish 127.0.0.1:18080:8080/tcp');
    // The stand-in is on both: the internal network (under its alias) and the default one, where the pod reaches it.
    const standinArgs = podmanStandinArgs(spec).join(' ');
    expect(standinArgs).toContain(`--network ${spec.network} --network podman --network-alias ${spec.alias}`);
  });

  test('the field report lists the stand-in and the secrets that come from it', () => {
    const fields = standinFields({ db, spec }, [{ container: 'app', envName: 'DB_PASSWORD', key: 'password' }], 'engine-secret', false);
    expect(fields.find((f) => f.path === `rds.${DB}.Engine`)?.detail).toContain(`container task-database, outside the task`);
    expect(fields.find((f) => f.path === `rds.${DB}.TLS`)?.detail).toContain('require_secure_transport=ON');
    expect(fields.find((f) => f.path === 'app.Secrets.DB_PASSWORD')?.detail).toContain('podman secrets');
    expect(JSON.stringify(fields)).not.toContain('secret-pw');
    expect(fields.find((f) => f.path === 'task.Egress')).toMatchObject({
      outcome: 'not-honoured',
      detail: expect.stringContaining("podman's default network only"),
    });
    expect(fields.find((f) => f.path === `rds.${DB}.Engine`)?.detail).toContain(`as ${spec.alias} in /etc/hosts`);
    const isolated = standinFields({ db, spec }, [], 'api-environment', true);
    const https = standinFields({ db: { ...db, internetHttps: true }, spec }, [], 'api-environment', true).find((f) => f.path === 'task.Egress');
    expect(https).toMatchObject({
      outcome: 'deviation',
      detail: expect.stringContaining('HTTPS to the internet, which the template allows (egress.internetHttps), is blocked locally'),
    });
    expect(isolated.find((f) => f.path === 'task.Egress')).toMatchObject({
      outcome: 'honoured',
      detail: expect.stringContaining(`only network is the internal ${spec.network}`),
    });
  });

  test('Docker isolation: the pause container is on the internal network only and publishes nothing; a relay per port does', () => {
    const t = translateTask(taskProps, { taskName: 'task', labelKey: 'l', images: images(), hostPorts: { 8080: 18080 } });
    expect(dockerPauseBody(t.task, 'img', undefined).HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] });
    t.task.network = taskNetwork;
    const pause = dockerPauseBody(t.task, 'img', undefined);
    expect(pause.HostConfig).toMatchObject({ NetworkMode: spec.network, PortBindings: {} });
    const relay = dockerIngressBody(t.task, t.task.publish[0], spec.image);
    expect(relay.Cmd).toEqual(['TCP-LISTEN:8080,fork,reuseaddr', 'TCP:task-pause:8080']);
    expect(relay.HostConfig).toMatchObject({
      NetworkMode: 'bridge',
      PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] },
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
    });
    expect(relay.User).toBe('999:999');
  });
});

describe('the local CA', () => {
  test('parseTlsOutput takes the four PEM blocks in order and refuses anything else', () => {
    const pem = (kind: string, body: string) => `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----`;
    const out = [pem('CERTIFICATE', 'ca'), pem('PRIVATE KEY', 'cakey'), pem('CERTIFICATE', 'srv'), pem('PRIVATE KEY', 'srvkey')].join('\n');
    const tls = parseTlsOutput(out);
    expect(tls.caCert).toContain('\nca\n');
    expect(tls.serverKey).toContain('\nsrvkey\n');
    expect(() => parseTlsOutput(pem('CERTIFICATE', 'ca'))).toThrow(/openssl gave 1 PEM blocks \(CERTIFICATE\)/);
  });
});
