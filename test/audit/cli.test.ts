/**
 * `secure-ecs audit` run as a real process: exit codes 0/1/2, the report formats, --output, and bad
 * input that ends in exit 2 with a one-line reason and no stack trace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from '../helpers/synth';
import { buildCli, type CliResult, expectUsageError, REPO_ROOT, runCli } from './helpers/cli';
import { tempDir } from '../helpers/temp-dir';

// Each test runs the CLI as a process (several at once): jest's 5 s default is too short on a busy
// 2-core machine (one timed out while an end-to-end run shared it).
jest.setTimeout(30_000);

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);
const scratch = tempDir('audit-cli-');
let cli: string;
let assembly: string;

beforeAll(() => {
  cli = buildCli();
  assembly = synth({}, { pathMetadata: true }).assembly.directory;
});

const audit = (...args: string[]): Promise<CliResult> => runCli(cli, ['audit', ...args]);

describe('exit codes', () => {
  test.concurrent("0: the app's own cloud assembly passes (the acknowledgements its constructs carry)", async () => {
    const r = await audit('--template', assembly, '--format', 'json', '--fail-on', 'medium');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ failed: false, failOn: 'medium' });
    expect(report.findings.filter((f: any) => f.acknowledged).length).toBe(6);
  });

  test('1: a network-only template is audited, not refused', async () => {
    const sg = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'ssh', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: { Ref: 'SSHLocation' } }] },
    };
    const file = write(
      'NetworkOnly.template.json',
      JSON.stringify({ Parameters: { SSHLocation: { Type: 'String', Default: '0.0.0.0/0' } }, Resources: { Sg: sg } }),
    );
    const r = await audit('--template', file, '--format', 'json');
    expect(r.code).toBe(1);
    const finding = JSON.parse(r.stdout).findings.find((f: any) => f.ruleId === 'EC2-SG-01');
    expect(finding).toMatchObject({ resource: 'NetworkOnly/Sg' });
    expect(finding.message).toContain('read with the default of parameter SSHLocation');
  });

  test.concurrent('1: a violating task definition file at the default --fail-on high', async () => {
    const r = await audit('--task-definition-file', fixture('td-privileged-root.register.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TD-PRIV-01/);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/fails at high or above: FAIL$/);
  });

  test.concurrent('--fail-on sets the threshold: low findings pass at medium, fail at low', async () => {
    // td-limits has one medium (TD-MEM-01); critical lets it pass.
    expect((await audit('--task-definition-file', fixture('td-limits.describe.json'), '--fail-on', 'critical')).code).toBe(0);
    expect((await audit('--task-definition-file', fixture('td-limits.describe.json'), '--fail-on', 'medium')).code).toBe(1);
    expect((await audit('--task-definition-file', fixture('td-compliant.describe.json'), '--fail-on', 'info')).code).toBe(0);
  });

  test.concurrent('an acknowledgements file turns a failure into a pass, and the finding stays in the report', async () => {
    const acks = path.join(scratch, 'acks.json');
    writeFileSync(
      acks,
      JSON.stringify({
        acknowledgements: [
          { ruleId: 'TD-MEM-01', resource: 'arn:aws:ecs:*:*:task-definition/web:*', reason: 'Memory is limited by the instance size in this test.' },
        ],
      }),
    );
    const r = await audit('--task-definition-file', fixture('td-limits.describe.json'), '--fail-on', 'medium', '--acknowledgements', acks, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toContainEqual(expect.objectContaining({ ruleId: 'TD-MEM-01', acknowledged: true }));
  });

  test.concurrent('several inputs in one audit: task definition file and Dockerfile', async () => {
    const dockerfile = path.join(scratch, 'Dockerfile');
    writeFileSync(dockerfile, 'FROM debian\nADD x /x\n');
    const r = await audit('--task-definition-file', fixture('td-compliant.describe.json'), '--dockerfile', dockerfile, '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.ruleId)).toEqual(['DF-USER-01', 'DF-TAG-01', 'DF-ADD-01', 'DF-HC-01', 'DF-SUID-01']);
  });
});

describe('formats and output', () => {
  test.concurrent('--output writes the report to a file and a summary line to stderr', async () => {
    const out = path.join(scratch, 'report.sarif');
    const r = await audit('--task-definition-file', fixture('td-capabilities.describe.json'), '--format', 'sarif', '--output', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/report written to .*report\.sarif/);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });

  test.concurrent('markdown', async () => {
    const r = await audit('--task-definition-file', fixture('td-compliant.describe.json'), '--format', 'markdown');
    expect(r.stdout).toMatch(/^## secure-ecs audit: ✅ passed/);
  });

  test.concurrent.each(['table', 'json', 'sarif', 'markdown'])('%s never prints environment values', async (format) => {
    const r = await audit('--task-definition-file', fixture('td-plaintext-secrets.describe.json'), '--format', format);
    expect(r.stdout).toContain('DB_PASSWORD');
    expect(r.stdout + r.stderr).not.toContain('SUPERSECRET');
  });
});

describe('secret values never reach any output', () => {
  // Values shaped like secrets under innocuous names, in every place the audit reads values from.
  const KEY_ID = `AKIA${'Q3EGRYGNAVXM6K2P'}`;
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2VjcmV0LXNpZ25hdHVyZQ';
  const PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----MIIEpQIBAAKCAQEA3secretbody';
  const container = {
    Name: 'app',
    Image: 'repo@sha256:' + 'a'.repeat(64),
    Environment: [
      { Name: 'UPSTREAM', Value: KEY_ID },
      { Name: 'HEADER', Value: JWT },
    ],
  };
  const resources = {
    Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [container] } },
    Lt: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: { UserData: { 'Fn::Base64': `#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\necho '${PRIVATE_KEY}' > /k\n` } },
      },
    },
    // A NoEcho parameter's default is never read into the model (it may be a secret).
    Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: { Ref: 'Hidden' } } },
  };
  const parameters = { Hidden: { Type: 'String', NoEcho: true, Default: JWT } };

  // Sequential, not concurrent: each runs the CLI, and the exit-code tests above time out on two cores when all run at once.
  test.each(['table', 'json', 'sarif', 'markdown'])('%s: the finding names the variable and the kind only', async (format) => {
    const templateFile = write(`Shapes-${format}.template.json`, JSON.stringify({ Parameters: parameters, Resources: resources }));
    const dockerfile = write(`Dockerfile.shapes-${format}`, `FROM debian:13\nENV UPSTREAM=${KEY_ID}\n`);
    const r = await audit('--template', templateFile, '--dockerfile', dockerfile, '--format', format);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('UPSTREAM');
    expect(r.stdout).toMatch(/AWS access key id/);
    for (const value of [KEY_ID, JWT, PRIVATE_KEY, 'secretbody', 'c2VjcmV0']) expect(r.stdout + r.stderr).not.toContain(value);
  });

  test('bad input: a syntax error after a secret value does not quote it', async () => {
    const r = await audit('--template', write('Broken.template.json', `{"Resources": {"T": {"Properties": {"V": "${KEY_ID}" ]}}}`));
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(KEY_ID);
  });
});

describe('bad input: exit 2, one line, no stack trace', () => {
  test.concurrent.each<[string, () => string[], RegExp]>([
    ['malformed JSON', () => ['--task-definition-file', write('bad.json', '{"taskDefinition": ')], /bad\.json is not valid JSON/],
    ['not a task definition', () => ['--task-definition-file', write('other.json', '{"family": "x"}')], /not an ECS task definition/],
    ['a template without Resources', () => ['--template', write('NoResources.template.json', '{"Parameters": {}}')], /is not a CloudFormation template/],
    ['a missing file', () => ['--template', path.join(scratch, 'missing.json')], /cannot read .*missing\.json/],
    ['a missing Dockerfile', () => ['--dockerfile', path.join(scratch, 'nope', 'Dockerfile')], /cannot read .*Dockerfile: no such file/],
    ['an unknown format', () => ['--template', assembly, '--format', 'xml'], /--format.*xml.*invalid|Allowed choices/],
    ['an unknown --fail-on', () => ['--template', assembly, '--fail-on', 'severe'], /--fail-on/],
    ['nothing to audit', () => [], /nothing to audit/],
    ['--all-revisions without --family', () => ['--cluster', 'web', '--all-revisions'], /--all-revisions applies to --family/],
    ['--region without a live target', () => ['--template', assembly, '--region', 'eu-west-1'], /--region applies to a live audit/],
    [
      'a malformed acknowledgements file',
      () => [
        '--template',
        assembly,
        '--acknowledgements',
        write('acks.json', '{"acknowledgements": [{"ruleId": "NOPE-01", "resource": "*", "reason": "because I said so, really"}]}'),
      ],
      /acknowledgements\.0\.ruleId: unknown rule id/,
    ],
  ])('%s', async (_name, args, message) => {
    expectUsageError(await audit(...args()), message);
  });
});

function write(name: string, content: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}

test('the README documents the audit section', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  expect(readme).toMatch(/^## Security audit$/m);
});
