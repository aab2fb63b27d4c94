/**
 * The account stack (bin/deploy-roles.ts) keeps existing deployments updatable: with every
 * `account` setting off, each account's template is the one the deploy-role stack had before the
 * account settings existed (same stack names, same logical ids, same properties). The snapshot was
 * written from the code before the account settings were added (commit "test: snapshot of the
 * deploy-role stacks ...") and must not be updated for a change that claims to keep them.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveConfig, resolveEnvironments } from '../../lib/config/resolve-config';
import { defineDeployRolesApp } from '../../lib/deploy-roles-app';
import { cdkJsonContext } from '../helpers/synth';

const SETTINGS = {
  github: { repository: 'acme/shop' },
  environments: {
    dev: { account: '111111111111', region: 'eu-west-1', github: { pullRequestDiffRole: true } },
    qa: { account: '111111111111', region: 'eu-west-1' },
    prod: { account: '222222222222', region: 'eu-central-1' },
  },
};

test('with the account settings off, every account stack synthesizes the template it had before them', () => {
  const context: Record<string, unknown> = { ...cdkJsonContext(), 'secure-ecs': SETTINGS };
  const app = new App({ context });
  const get = (key: string) => context[key];
  const stacks = defineDeployRolesApp(app, resolveConfig(get, { warn: () => {} }).stackName, resolveEnvironments(get, { warn: () => {} }));
  const templates = Object.fromEntries(stacks.map((s) => [s.stackName, Template.fromStack(s).toJSON()]));
  expect(Object.keys(templates)).toEqual(['SecureEcsStarter-deploy-roles-111111111111', 'SecureEcsStarter-deploy-roles-222222222222']);
  expect(templates).toMatchSnapshot();
});
