/**
 * The live audit against an ECS endpoint that misbehaves (a fake on 127.0.0.1 reached through the
 * real @aws-sdk/client-ecs), and bad live options. Findings D1, D2, D11, D14, D19 of
 * ../shared/reference/hostile-input-findings.md.
 */
import { loadLiveEcs, createEcsClient } from '../../lib/audit/sources/live-ecs';
import { expectRefused, MARKED_AWS_ENV, run } from './contained';
import { BEHAVIOURS, type MisbehavingEcs, startMisbehavingEcs } from './misbehaving-ecs';

jest.setTimeout(60_000);

async function withEcs<T>(behaviour: keyof typeof BEHAVIOURS, use: (ecs: MisbehavingEcs) => Promise<T>): Promise<T> {
  const ecs = await startMisbehavingEcs(BEHAVIOURS[behaviour]());
  try {
    return await use(ecs);
  } finally {
    await ecs.close();
  }
}

const live = (ecs: MisbehavingEcs, ...extra: string[]) => run(['audit', '--cluster', 'web', '--endpoint', ecs.url, ...extra], MARKED_AWS_ENV);

describe('an endpoint that misbehaves: exit 2 with one line, within the limit', () => {
  test.concurrent('accepts and never answers (D1): ends at --timeout, naming the operation and the endpoint', () =>
    withEcs('hang', async (ecs) => {
      const r = await live(ecs, '--timeout', '3');
      expectRefused(r, /^secure-ecs: the live audit did not finish within 3 s \(DescribeClusters at http:\/\/127\.0\.0\.1:\d+\); check the network path/, 20);
      expect(r.seconds).toBeGreaterThan(2.5);
    }),
  );

  test.concurrent('stalls in the middle of a body (D1): ends at --timeout', () =>
    withEcs('stallMidBody', async (ecs) => {
      expectRefused(await live(ecs, '--timeout', '3'), /^secure-ecs: the live audit did not finish within 3 s \(DescribeClusters at /, 20);
    }),
  );

  test.concurrent('answers HTML (D19): not echoed, says what to check', () =>
    withEcs('garbage', async (ecs) => {
      const r = await live(ecs);
      expectRefused(r, /^secure-ecs: the ECS endpoint's answer is not ECS JSON \(DescribeClusters at http:\/\/127\.0\.0\.1:\d+\); check --endpoint/, 20);
      expect(r.stderr).not.toContain('\u001b');
    }),
  );

  test.concurrent(
    'throttles every call: bounded retries with backoff, then one line',
    () =>
      withEcs('throttle', async (ecs) => {
        const r = await live(ecs);
        // Six attempts with the standard strategy's throttling backoff (500 ms base, doubling): about 8-16 s.
        expectRefused(r, /^secure-ecs: ECS API error ThrottlingException: Rate exceeded \(DescribeClusters at .*\), 6 attempt\(s\)$/, 60);
        expect(ecs.operations).toEqual(Array(6).fill('DescribeClusters'));
      }),
    120_000,
  );

  test.concurrent('repeats its nextToken (D14): ListServices stops at the repeat', () =>
    withEcs('repeatToken', async (ecs) => {
      expectRefused(await live(ecs), /^secure-ecs: ECS ListServices returned a nextToken it had already returned/, 20);
      expect(ecs.operations.filter((o) => o === 'ListServices')).toHaveLength(2);
    }),
  );

  test.concurrent('repeats its nextToken (D14): ListTaskDefinitions with --family --all-revisions', () =>
    withEcs('repeatToken', async (ecs) => {
      const r = await run(['audit', '--family', 'web', '--all-revisions', '--endpoint', ecs.url], MARKED_AWS_ENV);
      expectRefused(r, /^secure-ecs: ECS ListTaskDefinitions returned a nextToken it had already returned/, 20);
    }),
  );
});

describe('per-request deadlines (D1), in process with the real client', () => {
  const credentials = { accessKeyId: MARKED_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MARKED_AWS_ENV.AWS_SECRET_ACCESS_KEY };
  const timeouts = { connectMs: 500, requestMs: 500, idleMs: 500 };

  test('an unanswered request times out and is retried with backoff, without --timeout', () =>
    withEcs('hang', async (ecs) => {
      const client = createEcsClient({ endpoint: ecs.url, region: 'eu-west-1', credentials, timeouts });
      const start = Date.now();
      await expect(loadLiveEcs({ cluster: 'web', client })).rejects.toThrow(
        /^cannot reach the ECS endpoint: no answer in time \(DescribeClusters at http:\/\/127\.0\.0\.1:\d+\), 6 attempt\(s\); check the network path/,
      );
      client.destroy();
      expect(ecs.operations).toEqual(Array(6).fill('DescribeClusters'));
      expect(Date.now() - start).toBeLessThan(20_000);
    }));

  test('a body that stalls times out on the idle deadline', () =>
    withEcs('stallMidBody', async (ecs) => {
      const client = createEcsClient({ endpoint: ecs.url, region: 'eu-west-1', credentials, timeouts });
      await expect(loadLiveEcs({ cluster: 'web', client, timeLimitSeconds: 30 })).rejects.toThrow(/no answer in time|not ECS JSON/);
      client.destroy();
    }));
});

describe('bad live options: exit 2 with one line, no request sent', () => {
  test.concurrent.each([
    [['--cluster', ''], /^secure-ecs: --cluster is empty \(an unset variable\?\); give a value$/],
    [['--cluster', '  '], /^secure-ecs: --cluster is empty/],
    [['--family', ''], /^secure-ecs: --family is empty/],
    [['--template', '', '--cluster', 'web'], /^secure-ecs: --template is empty/],
    [['--task-definition-file', '', '--cluster', 'web'], /^secure-ecs: --task-definition-file is empty/],
    [['--dockerfile', '', '--cluster', 'web'], /^secure-ecs: --dockerfile is empty/],
  ])('D2: %j', async (args, message) => {
    await withEcs('empty', async (ecs) => {
      expectRefused(await run(['audit', ...args, '--endpoint', ecs.url], MARKED_AWS_ENV), message, 20);
      expect(ecs.operations).toEqual([]);
    });
  });

  test.concurrent.each([['not a region'], ['us-east-1;rm'], ['EU-WEST-1']])('D11: --region %j', async (region) => {
    expectRefused(
      await run(['audit', '--cluster', 'web', '--region', region], MARKED_AWS_ENV),
      /^secure-ecs: --region must be an AWS region name such as eu-west-1; received /,
      20,
    );
  });

  test.concurrent('D11: a bad AWS_REGION from the environment is one line too', async () => {
    const r = await run(['audit', '--cluster', 'web', '--endpoint', 'http://127.0.0.1:9'], { ...MARKED_AWS_ENV, AWS_REGION: 'not a region' });
    expectRefused(r, /^secure-ecs: the AWS region is not valid/, 20);
  });

  test.concurrent.each([['javascript:alert(1)'], ['file:///etc/passwd']])('D19: --endpoint %j is refused (http or https only)', async (endpoint) => {
    expectRefused(await run(['audit', '--cluster', 'web', '--endpoint', endpoint], MARKED_AWS_ENV), /^secure-ecs: --endpoint must be an http or https URL/, 20);
  });

  test.concurrent('D19: an endpoint password is not echoed', async () => {
    const r = await run(['audit', '--cluster', 'web', '--endpoint', 'http://proxyuser:pa55word@127.0.0.1:9'], MARKED_AWS_ENV);
    expectRefused(r, /^secure-ecs: cannot reach the ECS endpoint \(DescribeClusters at http:\/\/127\.0\.0\.1:9\): ECONNREFUSED/, 30);
  });

  test.concurrent('D19: --profile with AWS_ACCESS_KEY_ID set: the SDK warning is one line, the error another', async () => {
    const r = await run(['audit', '--cluster', 'web', '--profile', 'nope', '--endpoint', 'http://127.0.0.1:9'], MARKED_AWS_ENV);
    expectRefused(r, /^secure-ecs: no AWS credentials found for profile nope/, 20);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('secure-ecs audit: warning:'))).toEqual([
      'secure-ecs audit: warning: both a profile (--profile or AWS_PROFILE) and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set; the profile is used',
    ]);
  });

  test.concurrent.each([['0'], ['-5'], ['abc'], ['1.5']])('--timeout %j', async (value) => {
    expectRefused(await run(['audit', '--cluster', 'web', '--timeout', value], MARKED_AWS_ENV), /^secure-ecs: --timeout must be a whole number of seconds/, 20);
  });
});
