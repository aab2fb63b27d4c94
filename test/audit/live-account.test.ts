/**
 * `--account`: the live account source (lib/audit/sources/live-account.ts) with the real ECRClient
 * and GuardDutyClient pointed at local endpoints that speak their protocols (ECR: JSON 1.1; GuardDuty:
 * REST-JSON), a hardened and a default account, coverage over two pages, "not found" answers read as
 * "there is none", and an API error and a timeout ending in one line.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { runAudit } from '../../lib/audit/engine';
import { AuditInputError } from '../../lib/audit/errors';
import { mergeModels } from '../../lib/audit/model';
import { RULES } from '../../lib/audit/rules';
import { type LiveAccountOptions, loadLiveAccount } from '../../lib/audit/sources/live-account';
import { liveClientConfig, type LiveTimeouts } from '../../lib/audit/sources/live-client';
import { ASSETS, ECR_PROTOCOL, ecrAccount, guardDutyAccount, notFound, type Place } from './helpers/account-servers';
import { type FakeEcs, type Handler, startFakeJsonService } from './helpers/ecs-server';
import { type FakeRestService, type RestHandler, startFakeRestJson } from './helpers/rest-json-server';
import { coverage } from './rules/account-models';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' };
const ACCOUNT_RULES = ['ECR-SIGN-01', 'ECR-SCAN-02', 'ECR-TAG-02', 'ECR-BOOT-01', 'GD-RTM-01'];

let ecr: FakeEcs | undefined;
let guardDuty: FakeRestService | undefined;
afterEach(async () => {
  await ecr?.close();
  await guardDuty?.close();
  ecr = guardDuty = undefined;
});

async function read(ecrHandler: Handler, gdHandler: RestHandler, timeouts?: LiveTimeouts, extra: Partial<LiveAccountOptions> = {}, region = 'eu-west-1') {
  ecr = await startFakeJsonService(ECR_PROTOCOL, ecrHandler);
  guardDuty = await startFakeRestJson(gdHandler);
  const config = (endpoint: string) => liveClientConfig({ region, credentials: CREDENTIALS, endpoint, timeouts });
  const clients = { ecr: new ECRClient(config(ecr.url)), guardDuty: new GuardDutyClient(config(guardDuty.url)) };
  try {
    return await loadLiveAccount({ ...clients, ...extra });
  } finally {
    clients.ecr.destroy();
    clients.guardDuty.destroy();
  }
}

const accountRules = RULES.filter((r) => ACCOUNT_RULES.includes(r.id));

test("a hardened account: every account rule is compliant for the cluster's two instances", async () => {
  const model = await read(ecrAccount(true), guardDutyAccount(true));
  const result = runAudit(mergeModels(model, coverage(undefined)), { rules: accountRules });
  expect(result.findings).toEqual([]);
  expect(Object.values(result.compliance)).toEqual(ACCOUNT_RULES.map(() => 'compliant'));
  expect(model.runtimeMonitoring[0].coverage).toEqual({ 'i-1': { status: 'HEALTHY' }, 'i-2': { status: 'HEALTHY' } });
  expect(guardDuty!.calls.filter((c) => c.path.endsWith('/coverage'))).toHaveLength(2);
});

test('an account with the defaults: each account rule reports, and "not found" answers are readings, not errors', async () => {
  const model = await read(ecrAccount(false), guardDutyAccount(false));
  const result = runAudit(mergeModels(model, coverage(undefined)), { rules: accountRules });
  expect(result.findings.map((f) => [f.ruleId, f.message])).toEqual([
    ['ECR-TAG-02', 'imageTagMutability is MUTABLE: a push can replace the image a task definition names by tag'],
    ['GD-RTM-01', 'the region has no GuardDuty detector'],
    ['GD-RTM-01', 'the region has no GuardDuty detector'],
    ['ECR-BOOT-01', 'the assets repository lacks scan on push (and no enhanced scanning), KMS encryption (it is AES256), a lifecycle policy'],
    ['ECR-SCAN-02', `the registry's scan type is BASIC, not ENHANCED: images of ${ASSETS} are not rescanned`],
    ['ECR-SIGN-01', `no managed-signing rule of the registry matches ${ASSETS}: its images are pushed unsigned`],
  ]);
});

test('--assets-repository names another repository', async () => {
  const model = await read(
    (operation, body) => (operation === 'DescribeRepositories' ? notFound('RepositoryNotFoundException') : ecrAccount(true)(operation, body, [])),
    guardDutyAccount(true),
    undefined,
    {
      assetsRepository: 'team/images',
    },
  );
  expect(model.registries[0].assetsRepository).toBe('team/images');
  // A rule filtered to the CDK's name does not sign team/images; a repository that does not exist is not judged.
  expect(model.registries[0].signsAssetsRepository).toBe(false);
  expect(model.assetsRepositories).toEqual([]);
});

describe("the ids the account source builds (registry, detector) carry the partition of the account's region", () => {
  /** ECR's answers in that place, without the assets repository (whose ARN would name the partition). */
  const unbootstrapped = (place: Place): Handler => {
    const answer = ecrAccount(false, place);
    return (operation, body, calls) => (operation === 'DescribeRepositories' ? notFound('RepositoryNotFoundException') : answer(operation, body, calls));
  };

  test.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('%s: %s, from the region alone', async (region, partition) => {
    const model = await read(unbootstrapped({ region, partition }), guardDutyAccount(false), undefined, {}, region);
    expect(model.registries.map((r) => r.id)).toEqual([`arn:${partition}:ecr:${region}:111122223333:registry`]);
    expect(model.runtimeMonitoring.map((r) => r.id)).toEqual([`arn:${partition}:guardduty:${region}::detector`]);
    const findings = runAudit(model, { rules: accountRules }).findings;
    expect(findings.map((f) => [f.ruleId, f.resource])).toEqual(
      expect.arrayContaining([
        ['ECR-SIGN-01', `arn:${partition}:ecr:${region}:111122223333:registry`],
        ['ECR-SCAN-02', `arn:${partition}:ecr:${region}:111122223333:registry`],
      ]),
    );
  });

  test("a region newer than aws-cdk-lib's region facts: the partition of the repository ARN the API returned", async () => {
    const place = { region: 'cn-southwest-9', partition: 'aws-cn' };
    const model = await read(ecrAccount(true, place), guardDutyAccount(true), undefined, {}, place.region);
    expect(model.registries[0].id).toBe('arn:aws-cn:ecr:cn-southwest-9:111122223333:registry');
    expect(model.runtimeMonitoring[0].id).toBe('arn:aws-cn:guardduty:cn-southwest-9::detector/d1');
  });
});

test('an API error ends the read with one line naming the service, the call and the permissions', async () => {
  const denied: RestHandler = () => ({ error: 'AccessDeniedException', message: 'not authorized to perform guardduty:ListDetectors', status: 403 });
  const error = await read(ecrAccount(true), denied).catch((e) => e);
  expect(error).toBeInstanceOf(AuditInputError);
  expect(error.message).not.toContain('\n');
  expect(error.message).toMatch(
    /^access denied by AWS \(AccessDeniedException\): not authorized to perform guardduty:ListDetectors\. The audit needs read-only .*guardduty:ListCoverage \(ListDetectors at http:\/\/127\.0\.0\.1:\d+\)$/,
  );
});

test('an endpoint that never answers ends the read at its deadline, with one line', async () => {
  const error = await read(ecrAccount(true), () => ({ hang: true }), { connectMs: 1_000, requestMs: 200, idleMs: 200 }).catch((e) => e);
  expect(error).toBeInstanceOf(AuditInputError);
  expect(error.message).toMatch(
    /^cannot reach the ECR or GuardDuty endpoint: no answer in time \(ListDetectors at http:\/\/127\.0\.0\.1:\d+\), 6 attempt\(s\); check/,
  );
}, 30_000);
