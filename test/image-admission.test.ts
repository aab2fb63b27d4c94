/**
 * `service.imageAdmission`: the hook's template (its PRE_SCALE_UP stage on the service, its
 * environment, its least-privilege role, its HTTPS-only egress), its settings' synth refusals, and
 * that it passes cdk-nag, the audit and the control-tower profile (synth runs them and would throw).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import type { AppConfigInput } from '../lib/config/app-config';
import { validateConfig } from '../lib/config/validate-config';
import { problemsOf } from './helpers/config-problems';
import { functionLogGroup, synth } from './helpers/synth';

type Admission = NonNullable<NonNullable<AppConfigInput['service']>['imageAdmission']>;
const ALL_ON: Admission = { enabled: true, requireSignature: true, blockSeverities: ['CRITICAL', 'HIGH'], acceptedFindings: ['CVE-2026-0001'] };
const blueGreen = (imageAdmission: Admission): AppConfigInput => ({ service: { deploymentStrategy: 'blue-green', imageAdmission } });

function admissionFunction(t: Template): [string, Record<string, any>] {
  const fns = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) => id.includes('AdmitImages'));
  expect(fns).toHaveLength(1);
  return [fns[0][0], fns[0][1].Properties];
}

/** The statements of the policies attached to the function's role. */
function roleStatements(t: Template, fn: Record<string, any>): any[] {
  const roleId = fn.Role['Fn::GetAtt'][0];
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('every check on, blue-green', () => {
  const { template, assembly } = synth(blueGreen(ALL_ON));
  const [id, fn] = admissionFunction(template);

  test('its log group (the refusals and their reasons) is retained with the stack, its events kept for task.logRetentionDays', () => {
    expect(functionLogGroup(template, fn)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { RetentionInDays: 30 } });
  });

  test('the bundle carries the pinned ECS and ECR clients, not the runtime copy', () => {
    const bundle = readFileSync(path.join(assembly.directory, `asset.${fn.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js'), 'utf8');
    expect(bundle).toContain('DescribeImageSigningStatus');
    expect(bundle).not.toMatch(/require\("@aws-sdk\/client-(ecr|ecs)"\)/);
  });

  test('the service runs the hook at PRE_SCALE_UP, beside the verify hook at POST_TEST_TRAFFIC_SHIFT', () => {
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0];
    const hooks = service.Properties.DeploymentConfiguration.LifecycleHooks;
    expect(hooks.map((h: any) => h.LifecycleStages)).toEqual([['POST_TEST_TRAFFIC_SHIFT'], ['PRE_SCALE_UP']]);
    expect(hooks[1].HookTargetArn).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
  });

  test('the environment names the assets repository and the settings', () => {
    expect(fn.Environment.Variables).toEqual({
      ASSETS_REPOSITORY_URI: {
        // The tests pin the region (test/helpers/synth.ts); the account is the deploying one.
        'Fn::Join': [
          '',
          [
            { Ref: 'AWS::AccountId' },
            '.dkr.ecr.eu-west-1.',
            { Ref: 'AWS::URLSuffix' },
            '/cdk-hnb659fds-container-assets-',
            { Ref: 'AWS::AccountId' },
            '-eu-west-1',
          ],
        ],
      },
      REQUIRE_SIGNATURE: 'true',
      BLOCK_SEVERITIES: 'CRITICAL,HIGH',
      ACCEPTED_FINDINGS: 'CVE-2026-0001',
    });
    expect(fn.Timeout).toBe(60);
  });

  test('its role reads ECS revisions and task definitions, and ECR only in the assets repository', () => {
    const statements = roleStatements(template, fn);
    const ecr = statements.find((s) => [s.Action].flat().includes('ecr:DescribeImages'));
    expect([...ecr.Action].sort()).toEqual(['ecr:DescribeImageScanFindings', 'ecr:DescribeImageSigningStatus', 'ecr:DescribeImages']);
    expect(JSON.stringify(ecr.Resource)).toMatch(/:ecr:eu-west-1:".*":repository\/cdk-hnb659fds-container-assets-".*"-eu-west-1"/);
    // On every resource: Lambda's VPC attachment, and the calls that take no resource-level permission.
    const anyResource = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(anyResource.filter((a: string) => !a.startsWith('ec2:')).sort()).toEqual([
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeTaskDefinition',
      'inspector2:ListFindings',
    ]);
    // Nothing that writes, pulls or lists beyond these.
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => /^(ecr|ecs|inspector2):/.test(a)).sort()).toEqual(
      [
        'ecr:DescribeImageScanFindings',
        'ecr:DescribeImageSigningStatus',
        'ecr:DescribeImages',
        'ecs:DescribeServiceRevisions',
        'ecs:DescribeTaskDefinition',
        'inspector2:ListFindings',
      ].sort(),
    );
  });

  test('its security group allows HTTPS out only', () => {
    const sgId = fn.VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0];
    const sg = template.findResources('AWS::EC2::SecurityGroup')[sgId];
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'The ECS and ECR APIs over HTTPS, through the NAT gateways', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
  });
});

test('signing and scanning off: the role has no signing, scan or Inspector permission', () => {
  const { template } = synth(blueGreen({ enabled: true }));
  const [, fn] = admissionFunction(template);
  const actions = roleStatements(template, fn).flatMap((s) => [s.Action].flat());
  expect(actions).toContain('ecr:DescribeImages');
  expect(actions.filter((a: string) => /Signing|ScanFindings|inspector2/.test(a))).toEqual([]);
  expect(fn.Environment.Variables.REQUIRE_SIGNATURE).toBe('false');
});

test('off (the default): no admission function', () => {
  const { template } = synth({ service: { deploymentStrategy: 'blue-green' } });
  expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.includes('AdmitImages'))).toEqual([]);
});

test('canary with compliance "control-tower" and every check on passes the controls, cdk-nag and the audit', () => {
  const { template } = synth({
    compliance: 'control-tower',
    service: { deploymentStrategy: 'canary', desiredCount: 2, minTasks: 2, maxTasks: 2, imageAdmission: ALL_ON },
  });
  admissionFunction(template);
});

test('bottlerocket hosts, linear: the hook is the same', () => {
  const { template } = synth({
    hosts: { os: 'bottlerocket' },
    service: { deploymentStrategy: 'linear', desiredCount: 2, minTasks: 2, maxTasks: 2, imageAdmission: ALL_ON },
  });
  admissionFunction(template);
});

describe('synth refusals name the setting, the value and what is allowed', () => {
  const problems = (input: unknown) => problemsOf(() => validateConfig({ region: 'eu-west-1', ...(input as object) }));

  test('admission with the rolling strategy', () => {
    expect(problems({ service: { imageAdmission: { enabled: true } } })).toEqual([
      'service.imageAdmission.enabled: received true with service.deploymentStrategy "rolling"; expected service.deploymentStrategy "blue-green", "canary" or "linear" ' +
        '(the admission hook runs at the PRE_SCALE_UP lifecycle stage of those deployments), or enabled false',
    ]);
  });

  test('a check without admission enabled', () => {
    expect(problems(blueGreen({ requireSignature: true }))).toEqual([
      'service.imageAdmission.requireSignature: received true with service.imageAdmission.enabled false; expected enabled true, or requireSignature unset',
    ]);
  });

  test('accepted findings without a blocked severity', () => {
    expect(problems(blueGreen({ enabled: true, acceptedFindings: ['CVE-2026-0001'] }))).toEqual([
      'service.imageAdmission.acceptedFindings: received ["CVE-2026-0001"] with no service.imageAdmission.blockSeverities; expected blockSeverities such as ["CRITICAL"] ' +
        '(findings are read only when a severity is blocked), or acceptedFindings unset',
    ]);
  });

  test('an unknown severity and a finding id that is not one', () => {
    const lines = problems({
      service: { deploymentStrategy: 'blue-green', imageAdmission: { enabled: true, blockSeverities: ['SEVERE'], acceptedFindings: ['CVE 1; rm'] } },
    });
    expect(lines.join('\n')).toMatch(/service\.imageAdmission\.blockSeverities\.0: .*SEVERE.*"CRITICAL" or "HIGH"/);
    expect(lines.join('\n')).toMatch(/service\.imageAdmission\.acceptedFindings\.0: .*a finding id such as CVE-2026-1234/);
  });
});

test('a required signature with account.imageSigning off is accepted with one warning; with it on, none', () => {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  validateConfig({ region: 'eu-west-1', ...blueGreen({ enabled: true, requireSignature: true }) }, { warn });
  expect(warnings).toEqual([
    expect.stringMatching(/^secure-ecs: warning: service\.imageAdmission\.requireSignature is true while account\.imageSigning is false: /),
  ]);
  warnings.length = 0;
  validateConfig({ region: 'eu-west-1', ...blueGreen({ enabled: true, requireSignature: true }), account: { imageSigning: true } }, { warn });
  expect(warnings).toEqual([]);
});
