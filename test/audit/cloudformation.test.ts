/**
 * The CloudFormation source: PascalCase to the API's camelCase, intrinsics as unknown (never root,
 * never latest), user data and ARNs rendered with placeholders, cloud assembly directories, and
 * one-line errors for input it cannot use.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { runAudit } from '../../lib/audit/engine';
import { AuditInputError } from '../../lib/audit/errors';
import { isUnknown } from '../../lib/audit/model';
import { loadCloudFormation, lowerCamel, normalizeCfn } from '../../lib/audit/sources/cloudformation';
import { renderText } from '../../lib/cfn/values';
import { cfnTaskDefinition, hardenedTask, templateModel, toCfn } from './helpers/models';
import { tempDir } from '../helpers/temp-dir';

type Doc = Record<string, any>;
const ids = (model: Parameters<typeof runAudit>[0]) => runAudit(model).findings.map((f) => f.ruleId);
const taskWith = (mutate: (td: Doc, c: Doc) => void) => {
  const td = toCfn(hardenedTask()) as Doc;
  mutate(td, td.ContainerDefinitions[0]);
  return templateModel({ Task: { Type: 'AWS::ECS::TaskDefinition', Properties: td } });
};

describe('normalization (catalog §2.7)', () => {
  test('PascalCase keys become the API spelling, leading acronyms included', () => {
    expect(lowerCamel('ReadonlyRootFilesystem')).toBe('readonlyRootFilesystem');
    expect(lowerCamel('EFSVolumeConfiguration')).toBe('efsVolumeConfiguration');
    expect(lowerCamel('IpcMode')).toBe('ipcMode');
  });

  test('user-defined map keys (log options, labels) are not renamed', () => {
    const out = normalizeCfn({
      LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': 'g', Mode: 'x' } },
      DockerLabels: { Team: 'web' },
    }) as Doc;
    expect(out).toEqual({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g', Mode: 'x' } }, dockerLabels: { Team: 'web' } });
  });

  test('intrinsics become explicit unknown values', () => {
    const out = normalizeCfn({ User: { Ref: 'UserParam' }, Image: { 'Fn::Sub': 'repo:${Tag}' } }) as Doc;
    expect(isUnknown(out.user)).toBe(true);
    expect(out.user.expression).toEqual({ Ref: 'UserParam' });
    expect(isUnknown(out.image)).toBe(true);
  });

  test('an unresolved user is not root and an unresolved image is not latest', () => {
    const found = ids(
      taskWith((_, c) => {
        c.User = { Ref: 'UserParam' };
        c.Image = { 'Fn::Join': [':', ['repo', { Ref: 'Tag' }]] };
      }),
    );
    expect(found).not.toContain('TD-USER-01');
    expect(found).not.toContain('TD-IMG-01');
    expect(found).not.toContain('TD-IMG-02');
  });

  test('"true" strings are booleans', () => {
    expect(ids(taskWith((_, c) => (c.Privileged = 'true')))).toContain('TD-PRIV-01');
    expect(ids(taskWith((_, c) => (c.ReadonlyRootFilesystem = 'true')))).not.toContain('TD-ROFS-01');
  });

  test('task and execution roles are compared structurally (TD-ROLE-01)', () => {
    const same = { 'Fn::GetAtt': ['Role', 'Arn'] };
    expect(
      ids(
        taskWith((td) => {
          td.TaskRoleArn = same;
          td.ExecutionRoleArn = { 'Fn::GetAtt': ['Role', 'Arn'] };
        }),
      ),
    ).toContain('TD-ROLE-01');
    expect(
      ids(
        taskWith((td) => {
          td.TaskRoleArn = same;
          td.ExecutionRoleArn = { 'Fn::GetAtt': ['Other', 'Arn'] };
        }),
      ),
    ).not.toContain('TD-ROLE-01');
  });

  test('an unresolved container list makes the container rules not applicable, not compliant', () => {
    const model = templateModel({ Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: { 'Fn::If': ['C', [], []] } } } });
    expect(runAudit(model).compliance['TD-PRIV-01']).toBe('not-applicable');
  });

  test('user data and ARNs render with ${...} placeholders for the unknown parts', () => {
    expect(renderText({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/X']] })).toBe('arn:${AWS::Partition}:iam::aws:policy/X');
    expect(renderText({ 'Fn::Sub': ['echo ${Cluster}', { Cluster: { Ref: 'C' } }] })).toBe('echo ${Cluster}');
    expect(renderText({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe('${Role.Arn}');
  });

  test('a service names its task definition by stack and logical id', () => {
    const model = templateModel({ Svc: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' } } } });
    expect(model.services[0]).toMatchObject({ id: 'Test/Svc', taskDefinition: 'Test/Task' });
  });

  test('EFS volumes are read from EFSVolumeConfiguration', () => {
    const model = cfnTaskDefinition({ ...hardenedTask(), volumes: [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] });
    expect(ids(model)).toContain('TD-EFS-01');
  });
});

describe('loading', () => {
  const dir = tempDir('audit-cfn-');
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  };
  const template = (resources: Doc) => JSON.stringify({ Resources: resources }, null, 1);
  const task = { Type: 'AWS::ECS::TaskDefinition', Properties: toCfn(hardenedTask()) };

  test('a template file: resource ids are Stack/LogicalId and locations carry the line', () => {
    const file = write('Web.template.json', template({ Task: task }));
    const model = loadCloudFormation(file);
    expect(model.taskDefinitions[0].id).toBe('Web/Task');
    expect(model.taskDefinitions[0].origin).toMatchObject({ file, line: 3, logicalId: 'Task' });
  });

  test('a cloud assembly directory: every stack, nested assemblies included', () => {
    // Manifests as the CDK writes them (a schema version and artifacts), read by lib/cdk-out.
    write(
      'asm/manifest.json',
      JSON.stringify({
        version: '55.6.0',
        artifacts: {
          A: { type: 'aws:cloudformation:stack', properties: { templateFile: 'A.template.json' } },
          Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } },
        },
      }),
    );
    write('asm/A.template.json', template({ Task: task }));
    write(
      'asm/assembly-Stage/manifest.json',
      JSON.stringify({ version: '55.6.0', artifacts: { StageB: { type: 'aws:cloudformation:stack', properties: { templateFile: 'StageB.template.json' } } } }),
    );
    write('asm/assembly-Stage/StageB.template.json', template({ Svc: { Type: 'AWS::ECS::Service', Properties: { EnableExecuteCommand: true } } }));
    const model = loadCloudFormation(path.join(dir, 'asm'));
    expect(model.taskDefinitions.map((t) => t.id)).toEqual(['A/Task']);
    expect(model.services.map((s) => s.id)).toEqual(['StageB/Svc']);
  });

  test('a template without a task definition is audited for the resources it has', () => {
    const file = write('BucketOnly.template.json', template({ B: { Type: 'AWS::S3::Bucket' } }));
    const result = runAudit(loadCloudFormation(file));
    expect(result.compliance['S3-PAB-01']).toBe('non-compliant');
    expect(result.compliance['TD-PRIV-01']).toBe('not-applicable');
  });

  test('a JSON syntax error never quotes the input (it may hold environment values)', () => {
    const file = write('secret.json', '{"environment": [{"name": "DB_PASSWORD", "value": hunter2}]}');
    expect(() => loadCloudFormation(file)).toThrow(/secret\.json is not valid JSON: Unexpected token at line 1, column 51$/);
    const truncated = write('truncated.json', '{\n  "value": "hunter2');
    expect(() => loadCloudFormation(truncated)).toThrow(/is not valid JSON: Unterminated string at line 2, column \d+$/);
  });

  test.each([
    ['a missing path', () => path.join(dir, 'nope.json'), /cannot read .*nope\.json: no such file/],
    ['malformed JSON', () => write('bad.json', '{"Resources": '), /bad\.json is not valid JSON/],
    ['JSON that is not a template', () => write('list.json', '[]'), /is not a CloudFormation template/],
    [
      'a directory that is not a cloud assembly',
      () => {
        mkdirSync(path.join(dir, 'empty'), { recursive: true });
        return path.join(dir, 'empty');
      },
      /not a cloud assembly/,
    ],
  ])('fails on %s with a one-line reason', (_name, input, message) => {
    const target = input();
    expect(() => loadCloudFormation(target)).toThrow(AuditInputError);
    expect(() => loadCloudFormation(target)).toThrow(message);
  });
});
