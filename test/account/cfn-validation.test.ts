/**
 * CDK's built-in CloudFormation validation (skipped by the other unit tests for speed,
 * test/helpers/setup-env.ts) over what the account settings add: the account stack with every
 * setting on, and the app stack's GuardDuty endpoint and host permissions on Bottlerocket.
 */
import { App } from 'aws-cdk-lib';
import { resolveConfig, resolveEnvironments } from '../../lib/config/resolve-config';
import { defineDeployRolesApp } from '../../lib/deploy-roles-app';
import { cdkJsonContext, define } from '../helpers/synth';

const ALL_ON = { imageSigning: true, enhancedScanning: true, guardDutyRuntimeMonitoring: true };

function withValidation(run: () => void): void {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  try {
    run();
  } finally {
    process.env.CDK_VALIDATION = previous;
  }
}

test('the account stack with every setting on passes the validation', () => {
  withValidation(() => {
    const context: Record<string, unknown> = {
      ...cdkJsonContext(),
      'secure-ecs': { github: { repository: 'acme/shop' }, account: ALL_ON, environments: { prod: { account: '222222222222', region: 'eu-central-1' } } },
    };
    const app = new App({ context });
    const get = (key: string) => context[key];
    defineDeployRolesApp(app, resolveConfig(get, { warn: () => {} }).stackName, resolveEnvironments(get, { warn: () => {} }));
    expect(() => app.synth()).not.toThrow();
  });
}, 60_000);

test('the app stack with every account setting on Bottlerocket hosts passes the validation', () => {
  withValidation(() => {
    const { app } = define({ account: ALL_ON, hosts: { os: 'bottlerocket' } });
    expect(() => app.synth()).not.toThrow();
  });
}, 120_000);
