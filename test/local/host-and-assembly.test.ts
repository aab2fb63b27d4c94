import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findTasks, imageSource } from '../../lib/local/assembly-task';
import { containersConf } from '../../lib/local/engines/podman/conf';
import { parseHardLimits, type HostFacts } from '../../lib/local/host/host-facts';
import { assetImageRef, baseImages, debianSuite, mmdebstrapArgs, qualify } from '../../lib/local/images';
import { resolveSecrets } from '../../lib/local/secrets';
import { staleReason } from '../../lib/local/synth';
import { fieldReportLines } from '../../lib/local/translate/field-report';
import { tempDir } from '../helpers/temp-dir';

const HASH = 'a'.repeat(64);

describe('cloud assembly', () => {
  const dockerImages = {
    [HASH]: { id: HASH, source: { directory: `asset.${HASH}`, platform: 'linux/amd64', dockerBuildArgs: { A: '1' } }, directory: `/out/asset.${HASH}` },
  };
  const template = {
    Resources: {
      Td: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          ContainerDefinitions: [
            { Name: 'app', Image: { 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.us-east-1.\${AWS::URLSuffix}/repo:${HASH}` } },
            { Name: 'side', Image: 'public.ecr.aws/nginx/nginx:1.27' },
          ],
        },
      },
      Other: { Type: 'AWS::S3::Bucket' },
    },
  };

  test('an asset image resolves to its build directory by the hash in its ECR tag', () => {
    const [task] = findTasks('Stack', '/out/Stack.template.json', template, dockerImages);
    expect(task.logicalId).toBe('Td');
    expect(task.images.app).toEqual({
      assetHash: HASH,
      directory: `/out/asset.${HASH}`,
      dockerfile: undefined,
      buildArgs: { A: '1' },
      target: undefined,
      platform: 'linux/amd64',
      networkMode: undefined,
    });
    expect(task.images.side).toEqual({ registryRef: 'public.ecr.aws/nginx/nginx:1.27' });
  });

  test('fails on an image that is neither a registry name nor an asset of the assembly', () => {
    expect(() => imageSource({ 'Fn::GetAtt': ['Repo', 'Uri'] }, dockerImages)).toThrow(/neither a registry image nor a CDK image asset/);
  });

  test('local image tags carry the asset hash', () => {
    expect(assetImageRef('app', HASH)).toBe(`localhost/secure-ecs-app:${HASH}`);
  });
});

describe('synth staleness', () => {
  test('missing assembly, then current, then stale when an input changes', () => {
    const dir = tempDir('stale-');
    mkdirSync(path.join(dir, 'lib'));
    writeFileSync(path.join(dir, 'lib', 'a.ts'), '');
    writeFileSync(path.join(dir, 'cdk.json'), '{}');
    utimesSync(path.join(dir, 'lib', 'a.ts'), 1000, 1000);
    utimesSync(path.join(dir, 'cdk.json'), 1000, 1000);
    expect(staleReason(dir)).toMatch(/has no assembly/);
    mkdirSync(path.join(dir, 'cdk.out'));
    writeFileSync(path.join(dir, 'cdk.out', 'manifest.json'), '{}');
    expect(staleReason(dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'lib', 'a.ts'), 'changed');
    utimesSync(path.join(dir, 'lib', 'a.ts'), Date.now() / 1000 + 10, Date.now() / 1000 + 10);
    expect(staleReason(dir)).toBe(`${path.join('lib', 'a.ts')} changed after the last synth`);
  });
});

describe('engine settings for this kind of host', () => {
  const limits = [
    'Limit                     Soft Limit           Hard Limit           Units',
    'Max processes             96365                96365                processes',
    'Max open files            20000                20000                files',
    'Max core file size        0                    unlimited            bytes',
  ].join('\n');

  test('hard limits are read from /proc/self/limits', () => {
    expect(parseHardLimits(limits)).toEqual({ nproc: 96365, nofile: 20000, core: Infinity });
  });

  test('cgroup v1 without systemd: runc + cgroupfs, default ulimits within the hard limits', () => {
    const facts: Pick<HostFacts, 'cgroupV2Unified' | 'systemd' | 'hasRunc' | 'hardLimits'> = {
      cgroupV2Unified: false,
      systemd: false,
      hasRunc: true,
      hardLimits: { nofile: 2048, nproc: 96365 },
    };
    const conf = containersConf(facts);
    expect(conf).toMatch(/default_ulimits = \["nofile=2048:2048", "nproc=4096:4096"\]/);
    expect(conf).toMatch(/runtime = "runc"/);
    expect(conf).toMatch(/cgroup_manager = "cgroupfs"/);
  });

  test('cgroup v2 with systemd: podman defaults for runtime and cgroup manager', () => {
    const conf = containersConf({ cgroupV2Unified: true, systemd: true, hasRunc: true, hardLimits: { nofile: Infinity, nproc: Infinity } });
    expect(conf).not.toMatch(/runtime =|cgroup_manager =/);
    expect(conf).toMatch(/nofile=4096:4096/);
  });
});

describe('base images', () => {
  test('FROM lines: external images only (no stages, scratch or build-arg names)', () => {
    const dockerfile = [
      'ARG BASE=debian:trixie',
      'FROM --platform=linux/amd64 debian:trixie-slim AS build',
      'FROM build',
      'FROM ${BASE}',
      'FROM scratch',
      'from public.ecr.aws/docker/library/nginx:1.27 as web',
    ].join('\n');
    expect(baseImages(dockerfile)).toEqual(['debian:trixie-slim', 'public.ecr.aws/docker/library/nginx:1.27']);
  });

  test('short names are qualified as Docker resolves them', () => {
    expect(qualify('debian:trixie-slim')).toBe('docker.io/library/debian:trixie-slim');
    expect(qualify('bitnami/nginx:1')).toBe('docker.io/bitnami/nginx:1');
    expect(qualify('public.ecr.aws/x/y:1')).toBe('public.ecr.aws/x/y:1');
    expect(qualify('localhost/x:1')).toBe('localhost/x:1');
  });

  test('only official Debian images have the mmdebstrap fallback', () => {
    expect(debianSuite('debian:trixie-slim')).toBe('trixie');
    expect(debianSuite('docker.io/library/debian:bookworm')).toBe('bookworm');
    expect(debianSuite('ubuntu:24.04')).toBeUndefined();
  });

  test("mmdebstrap builds a slim minbase with the official image's sources", () => {
    const args = mmdebstrapArgs('trixie', '/tmp/t.tar');
    expect(args).toEqual(
      expect.arrayContaining([
        '--variant=minbase',
        '--dpkgopt=path-exclude=/usr/share/doc/*',
        '--dpkgopt=path-exclude=/usr/share/locale/*',
        'trixie',
        '/tmp/t.tar',
      ]),
    );
    expect(args).toContain('deb http://deb.debian.org/debian-security trixie-security main');
  });
});

describe('secrets', () => {
  const needed = [{ container: 'app', secret: { envName: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:x', secretId: 'task-app-db_password' } }];

  test('values come from the file, keyed by container and variable', () => {
    expect(resolveSecrets('{"app":{"DB_PASSWORD":"s3cret"}}', needed)).toEqual(new Map([['task-app-db_password', 's3cret']]));
  });

  test('fails with the file and key to add, never a value', () => {
    expect(() => resolveSecrets(undefined, needed)).toThrow(
      /no local value for app.DB_PASSWORD \(in AWS: arn:aws:ssm:x\)\. Put local values in \.secure-ecs\.secrets\.json/,
    );
    expect(() => resolveSecrets('{"app":{"OTHER":"s3cret"}}', needed)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }));
  });

  test('no secrets needed: the file is not read', () => {
    expect(resolveSecrets('not json', []).size).toBe(0);
  });
});

describe('start-up report', () => {
  test('lists honoured fields per container, then deviations and what is not honoured with what happens instead', () => {
    const lines = fieldReportLines(
      [
        { path: 'app.User', outcome: 'honoured', detail: '--user 33:33' },
        { path: 'app.LogConfiguration', outcome: 'not-honoured', detail: 'podman logs' },
        { path: 'proxy.Environment.X', outcome: 'deviation', detail: 'a -> b' },
      ],
      'docker',
    );
    expect(lines[0]).toBe('Honoured (docker or the runner):');
    expect(lines).toEqual(expect.arrayContaining(['  app: User', '  proxy.Environment.X: a -> b', '  app.LogConfiguration: podman logs']));
    expect(lines.indexOf('Not honoured locally (what happens instead):')).toBeGreaterThan(lines.indexOf('Honoured differently locally:'));
  });
});
