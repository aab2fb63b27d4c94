/**
 * .github/scripts/deployed-stack.js, which tells deploy-environment.yml's checks what was deployed,
 * run on a real cloud assembly of an environment's stack (the manifest `cdk deploy` leaves in
 * cdk.out) and on the configuration exactly as `secure-ecs config --env` prints it. Only the outputs
 * file, which CloudFormation fills in at deploy, is written here.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { defineApp } from '../lib/app';
import { ENV_CONTEXT_KEY, resolveConfig } from '../lib/config/resolve-config';
import { cdkJsonContext, REPO_ROOT } from './helpers/synth';
import { tempDir } from './helpers/temp-dir';

const { deployedStack, DeployedStackError } = require(path.join(REPO_ROOT, '.github', 'scripts', 'deployed-stack.js'));

const ACCOUNT = '111111111111';
const dir = tempDir('deployed-stack-');
const context: Record<string, unknown> = {
  ...cdkJsonContext(),
  'secure-ecs': { app: { methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] }, environments: { dev: { account: ACCOUNT, region: 'eu-west-1' } } },
  [ENV_CONTEXT_KEY]: 'dev',
};
const config = resolveConfig((key) => context[key]);
const assemblyDir = path.join(dir, 'cdk.out');
const file = (name: string, value: unknown) => {
  const f = path.join(dir, name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
};
const configFile = file('config.json', config);
const outputs = (url: string) =>
  file(`cdk-outputs-${url.split(':')[0]}.json`, {
    'SecureEcsStarter-dev': { Url: url, ClusterName: 'SecureEcsStarter-dev-ClusterEB0386A7-AbC123', ServiceName: 'x' },
  });
const inputs = (overrides: Record<string, unknown> = {}) => ({
  assemblyDir,
  outputsFile: outputs('http://Secure-LoadB-abc-123.eu-west-1.elb.amazonaws.com'),
  configFile,
  callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/GitHubDeployRole/GitHubActions`,
  region: 'eu-west-1',
  ...overrides,
});

beforeAll(() => {
  const app = new App({ outdir: assemblyDir, context });
  defineApp(app, config);
  app.synth();
});

test('an HTTP stack: its URL and cluster from the outputs, the lookup role from the manifest, the extra methods from app.methods', () => {
  expect(deployedStack(inputs())).toEqual({
    url: 'http://Secure-LoadB-abc-123.eu-west-1.elb.amazonaws.com',
    cluster: 'SecureEcsStarter-dev-ClusterEB0386A7-AbC123',
    'lookup-role': `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-lookup-role-${ACCOUNT}-eu-west-1`,
    'allowed-methods': 'PUT DELETE',
  });
});

test('the partition comes from the caller (GovCloud, China)', () => {
  const arn = deployedStack(inputs({ callerArn: `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/R/S` }))['lookup-role'];
  expect(arn).toBe(`arn:aws-us-gov:iam::${ACCOUNT}:role/cdk-hnb659fds-lookup-role-${ACCOUNT}-eu-west-1`);
});

test('an HTTPS stack needs VERIFY_URL: its certificate names the domain, not the load balancer', () => {
  const https = inputs({ outputsFile: outputs('https://Secure-LoadB-abc-123.eu-west-1.elb.amazonaws.com') });
  expect(() => deployedStack(https)).toThrow(/set the GitHub environment variable VERIFY_URL/);
  expect(deployedStack({ ...https, verifyUrl: 'https://app.example.com/' }).url).toBe('https://app.example.com/');
});

test.each([
  ['a VERIFY_URL that would break out of the shell', { verifyUrl: 'https://x.example/"; rm -rf ~' }, /VERIFY_URL must be an http or https URL/],
  ['a VERIFY_URL that is not http', { verifyUrl: 'file:///etc/passwd' }, /VERIFY_URL must be an http or https URL/],
  ['a caller that is not an ARN', { callerArn: 'None' }, /is not an AWS ARN with an account/],
  ['an outputs file of another stack', { outputsFile: file('other.json', { Other: {} }) }, /has no stack SecureEcsStarter-dev/],
  ['an outputs file that is not JSON', { outputsFile: file('broken.json', '{') }, /is not JSON/],
  ['no cloud assembly', { assemblyDir: path.join(dir, 'missing') }, /cannot read the cloud assembly manifest/],
])('refuses %s', (_what, overrides, message) => {
  expect(() => deployedStack(inputs(overrides))).toThrow(DeployedStackError);
  expect(() => deployedStack(inputs(overrides))).toThrow(message);
});

test('refuses a configuration printed without --env', () => {
  const plain = file(
    'plain.json',
    resolveConfig((key) => (key === ENV_CONTEXT_KEY ? undefined : context[key])),
  );
  expect(() => deployedStack(inputs({ configFile: plain }))).toThrow(/names no environment/);
});
