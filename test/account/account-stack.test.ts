/**
 * The account stack's settings (lib/account/): each alone and all together, synthesized as
 * bin/deploy-roles.ts does (cdk.json's context; cdk-nag's AwsSolutions pack runs on every synth and
 * throws on an unacknowledged finding).
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { acknowledgementsFromAssembly } from '../../lib/audit/assembly-acknowledgements';
import { runAudit } from '../../lib/audit/engine';
import { loadCloudFormation } from '../../lib/audit/sources/cloudformation';
import { resolveConfig, resolveEnvironments } from '../../lib/config/resolve-config';
import { defineDeployRolesApp } from '../../lib/deploy-roles-app';
import { problemsOf } from '../helpers/config-problems';
import { cdkJsonContext } from '../helpers/synth';

const ACCOUNT = '222222222222';
const REPOSITORY = `cdk-hnb659fds-container-assets-${ACCOUNT}-eu-central-1`;

function accountStack(account: Record<string, unknown>, extraContext: Record<string, unknown> = {}, email?: string, compliance?: string) {
  const settings = {
    ...(compliance ? { compliance } : {}),
    github: { repository: 'acme/shop' },
    ...(email ? { alarms: { email } } : {}),
    environments: { prod: { account: ACCOUNT, region: 'eu-central-1' } },
    account,
  };
  const context: Record<string, unknown> = { ...cdkJsonContext(), 'aws:cdk:enable-path-metadata': true, ...extraContext, 'secure-ecs': settings };
  const app = new App({ context });
  const get = (key: string) => context[key];
  const [stack] = defineDeployRolesApp(app, resolveConfig(get, { warn: () => {} }).stackName, resolveEnvironments(get, { warn: () => {} }));
  // One synthesis: the validation plugins (cdk-nag) run on it and throw on a finding.
  const assembly = app.synth();
  return { stack, assembly, template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template) };
}

const SIGNING = 'AWS::ECR::SigningConfiguration';
const SCANNING = 'AWS::ECR::RegistryScanningConfiguration';
const DETECTOR = 'AWS::GuardDuty::Detector';

function expectSigning(t: Template, repository = REPOSITORY, qualifier = 'hnb659fds') {
  t.hasResourceProperties('AWS::Signer::SigningProfile', { PlatformId: 'Notation-OCI-SHA384-ECDSA' });
  t.hasResourceProperties(SIGNING, {
    Rules: [
      {
        SigningProfileArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ImageSigningProfile'), 'Arn'] },
        RepositoryFilters: [{ Filter: repository, FilterType: 'WILDCARD_MATCH' }],
      },
    ],
  });
  // ECR signs as the principal that pushes: the bootstrap's image-publishing role may sign with this profile, nothing else.
  t.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [`cdk-${qualifier}-image-publishing-role-${ACCOUNT}-eu-central-1`],
    PolicyDocument: {
      Statement: [{ Action: 'signer:SignPayload', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('ImageSigningProfile'), 'Arn'] } }],
    },
  });
}

function expectScanning(t: Template) {
  t.hasResourceProperties(SCANNING, {
    ScanType: 'ENHANCED',
    Rules: [{ ScanFrequency: 'CONTINUOUS_SCAN', RepositoryFilters: [{ Filter: REPOSITORY, FilterType: 'WILDCARD' }] }],
  });
  t.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      source: ['aws.inspector2'],
      'detail-type': ['Inspector2 Finding'],
      detail: {
        severity: ['CRITICAL', 'HIGH'],
        status: ['ACTIVE'],
        resources: {
          type: ['AWS_ECR_CONTAINER_IMAGE'],
          details: { awsEcrContainerImage: { repositoryName: [REPOSITORY], inUseCount: [{ numeric: ['>', 0] }] } },
        },
      },
    },
    Targets: [{ Arn: { Ref: Match.stringLikeRegexp('AlarmTopic') }, Id: 'Target0' }],
  });
  // The account stack's own alarm topic, encrypted with its own rotated key, as the app's.
  t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] } });
  t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
}

function expectGuardDuty(t: Template) {
  t.hasResource(DETECTOR, {
    DeletionPolicy: 'Retain',
    Properties: {
      Enable: true,
      Features: [{ Name: 'RUNTIME_MONITORING', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }] }],
    },
  });
}

const count = (t: Template, type: string) => Object.keys(t.findResources(type)).length;

test('imageSigning alone: the Signer profile and the signing configuration, filtered to the assets repository', () => {
  const { template } = accountStack({ imageSigning: true });
  expectSigning(template);
  expect([count(template, SCANNING), count(template, DETECTOR), count(template, 'AWS::SNS::Topic')]).toEqual([0, 0, 0]);
});

test('enhancedScanning alone: continuous enhanced scanning of the assets repository and in-use critical/high findings to an alarm topic', () => {
  const { template } = accountStack({ enhancedScanning: true }, {}, 'ops@example.com');
  expectScanning(template);
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  expect([count(template, SIGNING), count(template, DETECTOR)]).toEqual([0, 0]);
});

test('guardDutyRuntimeMonitoring alone: one retained detector with Runtime Monitoring and EC2 agent management', () => {
  const { template } = accountStack({ guardDutyRuntimeMonitoring: true });
  expectGuardDuty(template);
  expect([count(template, SIGNING), count(template, SCANNING)]).toEqual([0, 0]);
});

test('every setting together, next to the deploy roles, whose logical ids do not move (the ids of the snapshot in unchanged-template.test.ts)', () => {
  const { template } = accountStack({ imageSigning: true, enhancedScanning: true, guardDutyRuntimeMonitoring: true });
  expectSigning(template);
  expectScanning(template);
  expectGuardDuty(template);
  expect(Object.keys(template.findResources('AWS::IAM::OIDCProvider'))).toEqual(['GitHubOidcA2A496A3']);
  expect(Object.keys(template.findResources('AWS::IAM::Role'))).toEqual(['prodDeployRole1FBD4E57']);
});

test("the project audit finds nothing in the account settings: with all of them on, the account stack's findings are the deploy roles' own", () => {
  const findings = (account: Record<string, unknown>) => {
    const dir = accountStack(account).assembly.directory;
    return runAudit(loadCloudFormation(dir), { acknowledgements: acknowledgementsFromAssembly(dir) }).findings.map((f) => `${f.ruleId} ${f.resource}`);
  };
  const off = findings({});
  expect(findings({ imageSigning: true, enhancedScanning: true, guardDutyRuntimeMonitoring: true })).toEqual(off);
  // What remains is the deploy role's wildcard over the four bootstrap roles (cdk-nag IAM5 acknowledges it; the audit rates it medium, below --fail-on high).
  expect(off).toEqual([expect.stringMatching(/^IAM-WC-01 SecureEcsStarter-deploy-roles-222222222222\/prodDeployRoleDefaultPolicy/)]);
});

test('compliance "control-tower": the Control Tower guard runs on the account stack and passes with every setting on; the detector adds S3 Protection', () => {
  const { template } = accountStack({ imageSigning: true, enhancedScanning: true, guardDutyRuntimeMonitoring: true }, {}, undefined, 'control-tower');
  template.hasResourceProperties(DETECTOR, {
    Features: [
      { Name: 'RUNTIME_MONITORING', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }] },
      { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
    ],
  });
  // Without the profile, no S3 Protection (billed per S3 event): the features are Runtime Monitoring's only.
  expectGuardDuty(accountStack({ guardDutyRuntimeMonitoring: true }).template);
});

test('the assets repository follows the bootstrap qualifier of cdk.json, or account.assetsRepositoryName', () => {
  expectSigning(
    accountStack({ imageSigning: true }, { '@aws-cdk/core:bootstrapQualifier': 'acme123' }).template,
    `cdk-acme123-container-assets-${ACCOUNT}-eu-central-1`,
    'acme123',
  );
  expectSigning(accountStack({ imageSigning: true, assetsRepositoryName: 'team/images' }).template, 'team/images');
});

test('with a setting on, an environment in another region of the same account fails with one line (the settings are regional)', () => {
  const context: Record<string, unknown> = {
    'secure-ecs': {
      github: { repository: 'acme/shop' },
      account: { guardDutyRuntimeMonitoring: true },
      environments: { dev: { account: '111111111111', region: 'eu-west-1' }, qa: { account: '111111111111', region: 'us-west-2' } },
    },
  };
  const get = (key: string) => context[key];
  expect(problemsOf(() => defineDeployRolesApp(new App({ context }), 'SecureEcsStarter', resolveEnvironments(get, { warn: () => {} })))).toEqual([
    'environments.qa.region: received "us-west-2"; expected "eu-west-1", the region of environment dev: with account settings on, ' +
      "the environments of an account share the account stack's region (registry and GuardDuty settings are regional)",
  ]);
});
