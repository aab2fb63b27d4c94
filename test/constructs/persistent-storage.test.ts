/**
 * app.persistentPaths on EFS: the task definition's volume shape (the local runner builds engine
 * volumes from it) and what the file system enforces.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { accessPointDirectory, persistentVolumeName } from '../../lib/constructs/persistent-storage';
import { containerDefinitions, synth } from '../helpers/synth';
import { problemsOf } from '../helpers/config-problems';
import { validateConfig } from '../../lib/config/validate-config';
import { accessPointsOfTemplate, translateVolumes } from '../../lib/local/translate/efs-volumes';

const paths = ['/srv/app/uploads', '/var/lib/app-data'];
const { template } = synth({ app: { persistentPaths: paths.map((path) => ({ path })) } });
const fileSystemRef = { Ref: expect.stringMatching(/^PersistentStorageFileSystem[0-9A-F]+$/) };

test('each path is an EFS volume with TLS and IAM through its own access point, mounted read-write at the path (the contract)', () => {
  const taskDef = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
  // After the FastCGI socket's task-scoped volume (app.fastcgiTransport "unix", the default).
  const socket = { ContainerPath: '/run/fcgi', SourceVolume: 'fcgi-socket', ReadOnly: false };
  expect(taskDef.Properties.Volumes[0].Name).toBe('fcgi-socket');
  expect(taskDef.Properties.Volumes.slice(1)).toEqual(
    paths.map((p) => ({
      Name: persistentVolumeName(p),
      EFSVolumeConfiguration: {
        FilesystemId: fileSystemRef,
        TransitEncryption: 'ENABLED',
        AuthorizationConfig: { AccessPointId: { Ref: expect.stringMatching(/^PersistentStorageFileSystempersistent/) }, IAM: 'ENABLED' },
      },
    })),
  );
  expect(containerDefinitions(template).app.MountPoints).toEqual([
    socket,
    ...paths.map((p) => ({ ContainerPath: p, SourceVolume: persistentVolumeName(p), ReadOnly: false })),
  ]);
  // Root stays read-only; the proxy mounts none of them (only the socket).
  expect(containerDefinitions(template).app.ReadonlyRootFilesystem).toBe(true);
  expect(containerDefinitions(template).proxy.MountPoints).toEqual([socket]);
});

test("access points enforce the app's uid/gid 33:33 and a root directory per path", () => {
  for (const p of paths) {
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: { Uid: '33', Gid: '33' },
      RootDirectory: { Path: accessPointDirectory(p), CreationInfo: { OwnerUid: '33', OwnerGid: '33', Permissions: '750' } },
    });
  }
});

test('the file system: KMS-encrypted, backed up, kept on deletion, TLS and an access point required by its policy, nothing allowed', () => {
  template.hasResource('AWS::EFS::FileSystem', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      Encrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PersistentStorageKey'), 'Arn'] },
      BackupPolicy: { Status: 'ENABLED' },
    }),
  });
  const policy = Object.values(template.findResources('AWS::EFS::FileSystem'))[0].Properties.FileSystemPolicy;
  expect(policy.Statement.map((s: any) => s.Effect)).toEqual(['Deny', 'Deny']);
  expect(policy.Statement[0].Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  expect(policy.Statement[1].Condition).toEqual({ Null: { 'elasticfilesystem:AccessPointArn': 'true' } });
});

test('the task role may mount and write through each access point only; never root access', () => {
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('TaskTaskRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
  expect(statements).toHaveLength(paths.length);
  for (const s of statements) {
    expect(s.Action).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']);
    expect(s.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PersistentStorageFileSystem/), 'Arn'] });
    expect(Object.keys(s.Condition.StringEquals)).toEqual(['elasticfilesystem:AccessPointArn']);
  }
});

test('mount targets in the private subnets admit only the task security group, on 2049; the task egress to them is 2049 only', () => {
  const targets = Object.values(template.findResources('AWS::EFS::MountTarget'));
  expect(targets.map((t) => t.Properties.SubnetId.Ref)).toEqual([
    expect.stringMatching(/^NetworkVpcPrivateSubnet1/),
    expect.stringMatching(/^NetworkVpcPrivateSubnet2/),
  ]);
  template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PersistentStorageSecurityGroup'), 'GroupId'] },
    SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebTaskSecurityGroup'), 'GroupId'] },
    FromPort: 2049,
    ToPort: 2049,
  });
  template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
    GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebTaskSecurityGroup'), 'GroupId'] },
    DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PersistentStorageSecurityGroup'), 'GroupId'] },
    FromPort: 2049,
    ToPort: 2049,
  });
});

describe('app.persistentPaths is refused, naming the entry, the value and what is allowed', () => {
  // The same rules as app.writablePaths (lib/constructs/app-shape.ts, declaredPathProblem).
  test.each([
    ['relative', 'srv/data', 'an absolute path (starting with /)'],
    ['a parent component', '/srv/../etc', 'a normalized path, without "//", "." or ".." segments'],
    ['a system directory', '/etc/app', 'a path apart from the system directory /etc'],
    ['the root', '/', 'a directory below /, not the root itself'],
    ['a trailing slash', '/srv/data/', 'a normalized path'],
    ['a space', '/srv/my data', "a path of letters, digits and '._/-'"],
    ['under /tmp', '/tmp/uploads', 'a path apart from /tmp'],
    ["over the app's public folder", '/srv/app', 'a path that does not cover the public folder /srv/app/public'],
  ])('%s (%s)', (_what, path, expected) => {
    const problems = problemsOf(() => validateConfig({ app: { persistentPaths: [{ path }] } }));
    expect(problems).toEqual([expect.stringContaining(`app.persistentPaths.0.path: received ${JSON.stringify(path)}; expected ${expected}`)]);
  });

  test.each([
    [
      { persistentPaths: ['/srv/data', '/srv/data'] },
      'app.persistentPaths.1.path: received "/srv/data"; expected a path that neither contains nor lies inside app.persistentPaths.0.path',
    ],
    [
      { persistentPaths: ['/srv/data', '/srv/data/cache'] },
      'app.persistentPaths.1.path: received "/srv/data/cache"; expected a path that neither contains nor lies inside app.persistentPaths.0.path',
    ],
    [
      { writablePaths: ['/srv/app/cache'], persistentPaths: ['/srv/app/cache/files'] },
      'app.persistentPaths.0.path: received "/srv/app/cache/files"; expected a path that neither contains nor lies inside app.writablePaths.0.path ("/srv/app/cache")',
    ],
  ])('%j', (lists: { writablePaths?: string[]; persistentPaths: string[] }, expected) => {
    const app = {
      persistentPaths: lists.persistentPaths.map((path) => ({ path })),
      ...(lists.writablePaths ? { writablePaths: lists.writablePaths.map((path) => ({ path, sizeMiB: 8 })) } : {}),
    };
    expect(problemsOf(() => validateConfig({ app }))).toEqual([expect.stringContaining(expected)]);
  });

  test('more than 10, or an unknown key in an entry', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ path: `/data/${i}` }));
    expect(problemsOf(() => validateConfig({ app: { persistentPaths: eleven } }))).toEqual([expect.stringContaining('expected a list of at most 10')]);
    expect(problemsOf(() => validateConfig({ app: { persistentPaths: [{ path: '/data', readOnly: true }] } }))).toEqual([
      expect.stringContaining('app.persistentPaths.0.readOnly: unknown setting'),
    ]);
  });
});

test('an access point directory fits any path depth (CloudFormation allows four components) and is distinct per path', () => {
  const deep = '/var/lib/radicale/collections/store';
  expect(accessPointDirectory(deep)).toMatch(/^\/app\/store-[0-9a-f]{12}$/);
  expect(accessPointDirectory('/srv/app/data')).not.toBe(accessPointDirectory('/var/lib/data'));
  const { template: t } = synth({ app: { persistentPaths: [{ path: deep }] } });
  t.hasResourceProperties('AWS::EFS::AccessPoint', { RootDirectory: { Path: accessPointDirectory(deep) } });
});

test('paths that differ only in a character a name replaces get their own volume, access point and local engine volume', () => {
  // `-` and `_` (and case) once mapped to the same ECS volume name: the synth failed on the duplicate
  // access point, and the local runner would have given both paths one engine volume.
  const colliding = ['/srv/a-b', '/srv/a_b', '/srv/A_b'];
  const { template: t } = synth({ app: { persistentPaths: colliding.map((path) => ({ path })) } });
  const volumes = Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.Volumes;
  // The FastCGI socket's volume (app.fastcgiTransport "unix", the default) first, then one per path.
  expect(volumes.map((v: any) => v.Name)).toEqual(['fcgi-socket', ...colliding.map(persistentVolumeName)]);
  const efs = volumes.filter((v: any) => v.EFSVolumeConfiguration);
  expect(new Set(efs.map((v: any) => v.Name)).size).toBe(3);
  expect(new Set(efs.map((v: any) => JSON.stringify(v.EFSVolumeConfiguration.AuthorizationConfig.AccessPointId))).size).toBe(3);
  expect(new Set(colliding.map(accessPointDirectory)).size).toBe(3);
  const local = translateVolumes(volumes, 'task', accessPointsOfTemplate(t.toJSON()));
  expect(new Set(Object.values(local.byName).map((v) => v.name)).size).toBe(4);
});

test("a volume name keeps the path's last name and is one ECS accepts", () => {
  expect(persistentVolumeName('/var/lib/radicale')).toMatch(/^persistent-radicale-[0-9a-f]{12}$/);
  expect(persistentVolumeName('/srv/app/data.v2')).toMatch(/^persistent-data_v2-[0-9a-f]{12}$/);
  expect(persistentVolumeName(`/srv/${'x'.repeat(200)}`)).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
});

test('a persistent path inside the public folder (uploads): the proxy mounts it read-only to serve its files, never runs a script there; its root is 0755', () => {
  const uploads = '/srv/app/public/wp-content/uploads';
  const t = synth({ app: { entryPoints: 'files', persistentPaths: [{ path: uploads }, { path: '/var/lib/app-data' }] } }).template;
  const defs = containerDefinitions(t);
  const socket = { ContainerPath: '/run/fcgi', SourceVolume: 'fcgi-socket', ReadOnly: false };
  expect(defs.proxy.MountPoints).toEqual([socket, { ContainerPath: uploads, SourceVolume: persistentVolumeName(uploads), ReadOnly: true }]);
  expect(defs.proxy.ReadonlyRootFilesystem).toBe(true);
  expect(defs.app.MountPoints.map((m: any) => [m.ContainerPath, m.ReadOnly])).toEqual([
    ['/run/fcgi', false],
    [uploads, false],
    ['/var/lib/app-data', false],
  ]);
  expect(defs.proxy.Environment).toEqual(expect.arrayContaining([{ Name: 'WRITABLE_URL_PREFIXES', Value: '/wp-content/uploads/' }]));
  t.hasResourceProperties('AWS::EFS::AccessPoint', {
    RootDirectory: { Path: accessPointDirectory(uploads), CreationInfo: Match.objectLike({ Permissions: '755' }) },
  });
  t.hasResourceProperties('AWS::EFS::AccessPoint', {
    RootDirectory: { Path: accessPointDirectory('/var/lib/app-data'), CreationInfo: Match.objectLike({ Permissions: '750' }) },
  });
});
