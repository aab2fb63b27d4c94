/**
 * Templates written to break the audit (hostile-input findings D3, D7 and D12,
 * ../shared/reference/hostile-input-findings.md): logical ids that are regular expressions, nesting
 * deeper than any real template, and intrinsics around whole container fields. Each ends in a
 * verdict or a one-line input error, never a hang, a stack overflow or a false finding.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAudit } from '../../lib/audit/engine';
import { AuditInputError } from '../../lib/audit/errors';
import { modelFromTemplate } from '../../lib/audit/sources/cloudformation';
import { MAX_TEMPLATE_DEPTH } from '../../lib/audit/sources/cloudformation/context';
import { isIntrinsic, nestedDeeperThan } from '../../lib/cfn/values';
import { hardenedTask, templateModel, toCfn } from './helpers/models';
import { buildCli, expectUsageError, runCli } from './helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const scratch = tempDir('hostile-templates-');

/** A template whose logical id is `id`, and a later line that starts with `"` and a run of x: the backtracking bait. */
function regexIdTemplate(id: string, xs: number): string {
  return `{"Resources":{${JSON.stringify(id)}:{"Type":"AWS::EC2::VPC"}},\n"${'x'.repeat(xs)}":1}\n`;
}

describe('D3: logical ids are text, never regular expressions', () => {
  test('a logical id (x+x+)+y does not backtrack: 26 x took seconds while the id was a regex, now well under one', () => {
    const text = regexIdTemplate('(x+x+)+y', 26);
    const started = Date.now();
    const model = modelFromTemplate({ stack: 'S', file: 't.json', template: JSON.parse(text), text });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(model).toBeDefined();
  });

  test.each(['A(', 'A[', 'a.b', 'A\\d', '$^'])('logical id %j: no crash, and the resource keeps its line', (id) => {
    const text = `{\n "Resources": {\n  ${JSON.stringify(id)}: {\n   "Type": "AWS::EC2::VPC"\n  }\n }\n}\n`;
    const model = modelFromTemplate({ stack: 'S', file: 't.json', template: JSON.parse(text), text });
    expect(model.vpcs.map((v) => [v.id, v.origin.line])).toEqual([[`S/${id}`, 3]]);
  });

  test('the CLI audits a 98-byte template with that id and 40 x, instead of hanging as on the 138-byte template of the findings', async () => {
    const file = path.join(scratch, 'redos.template.json');
    writeFileSync(file, regexIdTemplate('(x+x+)+y', 40));
    // runCli kills the child after 30 s: before the fix that was the outcome, exit 1.
    const r = await runCli(buildCli(), ['audit', '--template', file, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; resource: string }) => [f.ruleId, f.resource])).toEqual([['VPC-FLOW-01', 'redos/(x+x+)+y']]);
  }, 60_000);
});

describe('D7: nesting deeper than any template needs is one input error, never a stack overflow', () => {
  /** `levels` levels of `wrap` around a leaf, built as JSON text (JSON.parse itself copes with any depth). */
  const nested = (levels: number, open: string, close: string, leaf = '1') => `${open.repeat(levels)}${leaf}${close.repeat(levels)}`;
  const taskWithLabels = (labels: string) =>
    `{"Resources":{"Task":{"Type":"AWS::ECS::TaskDefinition","Properties":{"ContainerDefinitions":[{"Name":"app","Image":"nginx:1.27","DockerLabels":${labels}}]}}}}`;
  const policyWithResource = (resource: string) =>
    `{"Resources":{"P":{"Type":"AWS::IAM::Policy","Properties":{"PolicyName":"p","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":${resource}}]}}}}}`;
  const launchTemplateWithUserData = (userData: string) =>
    `{"Resources":{"Lt":{"Type":"AWS::EC2::LaunchTemplate","Properties":{"LaunchTemplateData":{"UserData":{"Fn::Base64":${userData}}}}}}}`;
  const SHAPES: [string, (levels: number) => string][] = [
    ['objects under DockerLabels', (n) => taskWithLabels(nested(n, '{"a":', '}'))],
    ['arrays under an unknown property', (n) => taskWithLabels(`{"x":${nested(n, '[', ']')}}`)],
    ['a Fn::Sub chain in an IAM Resource', (n) => policyWithResource(nested(n, '{"Fn::Sub":', '}', '"arn:aws:s3:::b/*"'))],
    ['a Fn::Join chain in user data', (n) => launchTemplateWithUserData(nested(n, '{"Fn::Join":["",[', ']]}', '"echo"'))],
  ];
  const load = (text: string) => modelFromTemplate({ stack: 'S', file: 'deep.template.json', template: JSON.parse(text), text });

  test.each(SHAPES)('%s, 100,000 levels: a one-line input error naming the file and the limit', (_shape, build) => {
    expect(() => load(build(100_000))).toThrow(
      new AuditInputError(`deep.template.json nests values deeper than ${MAX_TEMPLATE_DEPTH} levels, which no CloudFormation template needs`),
    );
  });

  test.each(SHAPES)('%s, at the limit: audited without a stack overflow', (_shape, build) => {
    // The template's own levels (Resources, the resource, Properties, ...) count too: the deepest build that is still allowed.
    let levels = MAX_TEMPLATE_DEPTH;
    while (nestedDeeperThan(JSON.parse(build(levels)), MAX_TEMPLATE_DEPTH)) levels -= 1;
    expect(nestedDeeperThan(JSON.parse(build(levels)), MAX_TEMPLATE_DEPTH - 3)).toBe(true);
    expect(() => runAudit(load(build(levels)))).not.toThrow();
  });

  test('the CLI: exit 2 with one line, no stack trace', async () => {
    const file = path.join(scratch, 'deep.template.json');
    writeFileSync(file, SHAPES[0][1](100_000));
    expectUsageError(
      await runCli(buildCli(), ['audit', '--template', file]),
      new RegExp(`deep\\.template\\.json nests values deeper than ${MAX_TEMPLATE_DEPTH} levels`),
    );
  }, 60_000);
});

describe('D12: an intrinsic around any field gives no finding the known value would not give', () => {
  type Doc = Record<string, unknown>;
  const ruleIds = (resources: Doc) => new Set(runAudit(templateModel(resources as Parameters<typeof templateModel>[0])).findings.map((f) => f.ruleId));
  const conditional = (value: unknown) => ({ 'Fn::If': ['UseIt', value, value] });

  /** Every field, object or list in `value` (paths into it), outside intrinsics: the places a template can put an `Fn::If`. */
  function wrappable(value: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (typeof value !== 'object' || value === null || isIntrinsic(value)) return at.length ? [at] : [];
    const own = at.length ? [at] : [];
    return [...own, ...Object.entries(value).flatMap(([k, v]) => wrappable(v, [...at, Array.isArray(value) ? Number(k) : k]))];
  }
  function wrappedAt(root: unknown, at: (string | number)[]): unknown {
    const copy = structuredClone(root) as Doc;
    const parent = at.slice(0, -1).reduce<any>((o, k) => o[k], copy);
    parent[at[at.length - 1]] = conditional(parent[at[at.length - 1]]);
    return copy;
  }
  const RESOURCES: [string, string, Doc][] = [
    ['the hardened task definition', 'AWS::ECS::TaskDefinition', toCfn(hardenedTask()) as Doc],
    [
      'a hardened launch template',
      'AWS::EC2::LaunchTemplate',
      {
        LaunchTemplateData: {
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }],
          NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }],
          Monitoring: { Enabled: true },
        },
      },
    ],
    [
      'a locked-down bucket',
      'AWS::S3::Bucket',
      {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      },
    ],
    [
      'a hardened repository',
      'AWS::ECR::Repository',
      {
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        EncryptionConfiguration: { EncryptionType: 'KMS' },
        LifecyclePolicy: { LifecyclePolicyText: '{"rules":[]}' },
      },
    ],
    ['a cluster with ECS Exec locked down', 'AWS::ECS::Cluster', { Configuration: { ExecuteCommandConfiguration: { KmsKeyId: 'k', Logging: 'DEFAULT' } } }],
  ];

  test('the findings of the two reported cases: Fn::If around LinuxParameters and HealthCheck', () => {
    const td = toCfn(hardenedTask()) as Doc & { ContainerDefinitions: Doc[] };
    for (const key of ['LinuxParameters', 'HealthCheck']) {
      const c = td.ContainerDefinitions[0];
      const variant = { ...td, ContainerDefinitions: [{ ...c, [key]: conditional(c[key]) }] };
      expect([...ruleIds({ Task: { Type: 'AWS::ECS::TaskDefinition', Properties: variant } })]).toEqual([]);
    }
  });

  test.each(RESOURCES)('%s: Fn::If around each of its fields, objects and lists adds no finding', (_name, type, properties) => {
    const baseline = ruleIds({ R: { Type: type, Properties: properties } });
    const added = wrappable(properties).flatMap((at) => {
      const ids = ruleIds({ R: { Type: type, Properties: wrappedAt(properties, at) } });
      return [...ids].filter((id) => !baseline.has(id)).map((id) => `${at.join('.')}: ${id}`);
    });
    expect(added).toEqual([]);
  });
});
