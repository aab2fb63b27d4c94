/**
 * `secure-ecs audit --account` as a process: the bundled CLI against local ECS, ECR and GuardDuty
 * endpoints (ECR and GuardDuty reached through the SDK's AWS_ENDPOINT_URL_ECR and
 * AWS_ENDPOINT_URL_GUARDDUTY), and its usage errors (exit 2, one line).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ecrAccount, ECR_PROTOCOL, guardDutyAccount } from './helpers/account-servers';
import { buildCli, cleanEnv, expectUsageError, runCli } from './helpers/cli';
import { type FakeEcs, startFakeEcs, startFakeJsonService } from './helpers/ecs-server';
import { type FakeRestService, startFakeRestJson } from './helpers/rest-json-server';

const TASK_DEFINITION = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'td-compliant.describe.json'), 'utf8')).taskDefinition;
const ARN = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7';

let cli: string;
const servers: (FakeEcs | FakeRestService)[] = [];
beforeAll(() => {
  cli = buildCli();
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function account(hardened: boolean) {
  const ecs = await startFakeEcs((operation) =>
    operation === 'ListTaskDefinitions'
      ? { body: { taskDefinitionArns: [ARN] } }
      : { body: { taskDefinition: { ...TASK_DEFINITION, taskDefinitionArn: ARN, registeredAt: Date.parse(TASK_DEFINITION.registeredAt) / 1000 } } },
  );
  const ecr = await startFakeJsonService(ECR_PROTOCOL, ecrAccount(hardened));
  const guardDuty = await startFakeRestJson(guardDutyAccount(hardened));
  servers.push(ecs, ecr, guardDuty);
  const env = cleanEnv({
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_ENDPOINT_URL_GUARDDUTY: guardDuty.url,
  });
  return (...args: string[]) =>
    runCli(cli, ['audit', '--family', 'web', '--region', 'eu-west-1', '--endpoint', ecs.url, '--account', '--format', 'json', ...args], { env });
}

test('with the defaults, the account rules report and the audit fails at high (ECR-TAG-02)', async () => {
  const result = await (await account(false))();
  expect(result.stderr).toBe('secure-ecs audit: task definitions: 1/1 read\n');
  expect(result.code).toBe(1);
  const ids = JSON.parse(result.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
  expect(ids).toEqual(expect.arrayContaining(['ECR-TAG-02', 'ECR-BOOT-01', 'ECR-SCAN-02', 'ECR-SIGN-01']));
});

test('a hardened account passes the account rules', async () => {
  const result = await (await account(true))();
  expect(result.stderr).toBe('secure-ecs audit: task definitions: 1/1 read\n');
  const report = JSON.parse(result.stdout);
  expect(report.findings.filter((f: { ruleId: string }) => /^(ECR-(TAG-02|BOOT-01|SCAN-02|SIGN-01)|GD-RTM-01)$/.test(f.ruleId))).toEqual([]);
  expect(result.code).toBe(0);
});

test.each([
  ['--account without a live target', ['--template', 'cdk.out', '--account'], /--account applies to a live audit/],
  ['--assets-repository without --account', ['--cluster', 'web', '--assets-repository', 'team/images'], /--assets-repository applies to --account/],
  [
    'a malformed --assets-repository',
    ['--cluster', 'web', '--account', '--assets-repository', 'Team Images'],
    /--assets-repository must be an ECR repository name; received "Team Images"/,
  ],
])('%s: exit 2 with one line', async (_name, args, message) => {
  expectUsageError(await runCli(cli, ['audit', ...args]), message);
});
