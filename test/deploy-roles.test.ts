/**
 * The deploy-role app (bin/deploy-roles.ts): the GitHub OIDC provider, one role per environment
 * trusted only by that GitHub environment, allowed only to assume the CDK bootstrap roles.
 */
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { resolveConfig, resolveEnvironments } from '../lib/config/resolve-config';
import { ConfigError } from '../lib/config/validate-config';
import { defineDeployRolesApp } from '../lib/deploy-roles-app';
import { REPO_ROOT } from './helpers/synth';
import { tempDir } from './helpers/temp-dir';

const DEV = { account: '111111111111', region: 'eu-west-1', github: { pullRequestDiffRole: true } };
const QA = { account: '111111111111', region: 'us-west-2' };
const PROD = { account: '222222222222', region: 'eu-central-1' };
const SETTINGS = { github: { repository: 'acme/shop' }, environments: { dev: DEV, qa: QA, prod: PROD } };

function defineFor(settings: unknown, extraContext: Record<string, unknown> = {}) {
  const ctx: Record<string, unknown> = { 'secure-ecs': settings, ...extraContext };
  const app = new App({ context: ctx });
  const get = (k: string) => ctx[k];
  const stacks = defineDeployRolesApp(app, resolveConfig(get, { warn: () => {} }).stackName, resolveEnvironments(get, { warn: () => {} }));
  return { app, stacks };
}

const sub = (env: string) => `repo:acme/shop:environment:${env}`;
const trust = (subject: string) => ({
  AssumeRolePolicyDocument: {
    Statement: [
      {
        Action: 'sts:AssumeRoleWithWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: Match.anyValue() },
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': subject } },
      },
    ],
  },
});
const assumeOnly = (arnTail: string) => ({
  PolicyDocument: {
    Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, arnTail]] } }],
  },
});

describe('one stack per account, pinned to it', () => {
  const { app, stacks } = defineFor(SETTINGS);
  const [shared, prod] = stacks.map((s) => Template.fromStack(s));

  test('groups environments by account: the account of dev and qa holds both roles and one provider', () => {
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['SecureEcsStarter-deploy-roles-111111111111', '111111111111', 'eu-west-1'],
      ['SecureEcsStarter-deploy-roles-222222222222', '222222222222', 'eu-central-1'],
    ]);
    shared.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    prod.resourceCountIs('AWS::IAM::OIDCProvider', 1);
  });

  test('creates the GitHub OIDC provider for the sts.amazonaws.com audience', () => {
    prod.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] });
  });

  test('each deploy role is trusted only by its GitHub environment in the repository', () => {
    for (const env of ['dev', 'qa']) shared.hasResourceProperties('AWS::IAM::Role', trust(sub(env)));
    prod.hasResourceProperties('AWS::IAM::Role', trust(sub('prod')));
    prod.resourceCountIs('AWS::IAM::Role', 1);
    // No other principal and no other way in.
    for (const t of [shared, prod]) {
      for (const role of Object.values(t.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.Policies).toBeUndefined();
      }
    }
  });

  test('each deploy role may only assume the CDK bootstrap roles of its account and region', () => {
    shared.hasResourceProperties('AWS::IAM::Policy', assumeOnly(':iam::111111111111:role/cdk-hnb659fds-*-role-111111111111-eu-west-1'));
    shared.hasResourceProperties('AWS::IAM::Policy', assumeOnly(':iam::111111111111:role/cdk-hnb659fds-*-role-111111111111-us-west-2'));
    prod.hasResourceProperties('AWS::IAM::Policy', assumeOnly(':iam::222222222222:role/cdk-hnb659fds-*-role-222222222222-eu-central-1'));
    for (const t of [shared, prod]) {
      for (const policy of Object.values(t.findResources('AWS::IAM::Policy'))) {
        expect(policy.Properties.PolicyDocument.Statement).toHaveLength(1);
      }
    }
  });

  test('with github.pullRequestDiffRole, a pull-request role may assume the lookup role only', () => {
    shared.hasResourceProperties('AWS::IAM::Role', trust('repo:acme/shop:pull_request'));
    shared.hasResourceProperties('AWS::IAM::Policy', assumeOnly(':iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-eu-west-1'));
    expect(Object.keys(shared.findOutputs('*'))).toEqual(expect.arrayContaining(['devDeployRoleArn', 'devDiffRoleArn', 'qaDeployRoleArn']));
    expect(Object.keys(prod.findOutputs('*'))).toEqual(['prodDeployRoleArn']);
  });

  test('passes cdk-nag (the bootstrap-role wildcard is acknowledged with its reason)', () => {
    const assembly = app.synth();
    expect(assembly.stacks).toHaveLength(2);
  });
});

test('the bootstrap qualifier comes from @aws-cdk/core:bootstrapQualifier', () => {
  const { stacks } = defineFor(SETTINGS, { '@aws-cdk/core:bootstrapQualifier': 'acme123' });
  Template.fromStack(stacks[1]).hasResourceProperties('AWS::IAM::Policy', assumeOnly(':iam::222222222222:role/cdk-acme123-*-role-222222222222-eu-central-1'));
});

test('an existing provider is imported by its ARN instead of created', () => {
  const arn = 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';
  const { stacks } = defineFor({ ...SETTINGS, environments: { prod: { ...PROD, github: { oidcProviderArn: arn } } } });
  const t = Template.fromStack(stacks[0]);
  t.resourceCountIs('AWS::IAM::OIDCProvider', 0);
  t.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: arn } })] } });
});

test.each([
  [{ environments: { prod: PROD } }, 'environments.prod.github.repository: received undefined; expected a GitHub repository as owner/name'],
  [{ github: { repository: 'acme' }, environments: { prod: PROD } }, 'github.repository: received "acme"; expected a GitHub repository as owner/name'],
  [{ github: { repository: 'acme/shop' } }, 'environments: received none; expected at least one environment'],
  [
    {
      ...SETTINGS,
      environments: { prod: { ...PROD, github: { oidcProviderArn: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' } } },
    },
    'environments.prod.github.oidcProviderArn: received "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"; expected a provider in the environment\'s account 222222222222',
  ],
  [
    { ...SETTINGS, environments: { dev: DEV, qa: { ...QA, github: { repository: 'acme/other' } } } },
    'environments.qa.github.repository: received "acme/other"; expected the same value as environment dev ("acme/shop"), which shares account 111111111111',
  ],
])('%j fails with one line naming the setting', (settings, message) => {
  let problems: string[] = [];
  try {
    defineFor(settings);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems;
  }
  expect(problems).toEqual([expect.stringContaining(message)]);
});

test('bin/deploy-roles.ts synthesizes one stack per account offline (no lookups)', () => {
  const out = tempDir('cdk-out-');
  const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(REPO_ROOT, 'bin', 'deploy-roles.ts')], {
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ 'secure-ecs': SETTINGS }), CDK_OUTDIR: out },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const manifest = require(path.join(out, 'manifest.json'));
  expect(manifest.missing).toBeUndefined();
  expect(Object.keys(manifest.artifacts).filter((a) => manifest.artifacts[a].type === 'aws:cloudformation:stack')).toEqual([
    'SecureEcsStarter-deploy-roles-111111111111',
    'SecureEcsStarter-deploy-roles-222222222222',
  ]);
}, 60_000);
