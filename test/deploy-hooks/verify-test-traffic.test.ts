/**
 * The verify hook's handler (lib/deploy-hooks/verify-test-traffic.ts) invoked locally with the event
 * ECS sends at POST_TEST_TRAFFIC_SHIFT, its test URL pointing at real HTTP servers on 127.0.0.1:
 * the hardened stand-in of the verify tests (SUCCEEDED), the same with its rate limit switched off,
 * and Python's plain static server (FAILED, naming the probes). The answer to ECS is the contract's
 * `hookStatus`; every other path (a malformed event, test traffic on the old revision, no answer in
 * time) is FAILED too: the hook fails closed.
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { handler, verifyTestTraffic, VERIFY_HOOK_ENV } from '../../lib/deploy-hooks/verify-test-traffic';
import { BLUE, GREEN, hookContext, postTestTrafficShift, postTestTrafficShiftDetails, withDetails } from './lifecycle-event';
import { hardenedHandler, type Running, startHttp, startPythonHttpServer, type Weakness } from '../verify/helpers/servers';
import { tempDir } from '../helpers/temp-dir';

const context = hookContext;

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});
async function standIn(weak: Weakness = {}): Promise<string> {
  const server = await startHttp(hardenedHandler(weak));
  running.push(server);
  return `http://127.0.0.1:${server.port}/`;
}
/** A short slow-client wait keeps a run to seconds (the stand-in ends unfinished headers after 1 s). */
const FAST = { slowClientSeconds: 3 } as const;

test('every probe holds against the hardened stand-in: SUCCEEDED', async () => {
  const r = await verifyTestTraffic(postTestTrafficShift, context(), { testUrl: await standIn(), ...FAST });
  expect(r.hookStatus).toBe('SUCCEEDED');
  expect(r.reason).toMatch(/every probe holds .*: PASS$/);
});

test('the same server without its rate limit: FAILED, naming the rate-limit probe and what the server did', async () => {
  const r = await verifyTestTraffic(postTestTrafficShift, context(), { testUrl: await standIn({ noRateLimit: true }), ...FAST });
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toMatch(/probes? fail: rate-limit\b/);
  expect(r.reason).toMatch(/; rate-limit: no 429 in \d+ requests/);
});

test('a plain static web server (python3 -m http.server): FAILED, naming the rate limit, the method allow-list and the security headers', async () => {
  const dir = tempDir('verify-hook-');
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>static</title>\n');
  const python = await startPythonHttpServer(dir);
  running.push(python);
  const r = await verifyTestTraffic(postTestTrafficShift, context(), { testUrl: `http://127.0.0.1:${python.port}/`, slowClientSeconds: 2 });
  expect(r.hookStatus).toBe('FAILED');
  for (const id of ['rate-limit', 'method-allow-list', 'security-headers']) expect(r.reason).toContain(`; ${id}: `);
});

test('test traffic still on the old revision, or invoked at another stage: FAILED before a single request (the probes would judge the wrong revision)', async () => {
  let requests = 0;
  const server = await startHttp((_req, res) => {
    requests++;
    res.end('ok');
  });
  running.push(server);
  const testUrl = `http://127.0.0.1:${server.port}/`;
  const wrongWeights = { testTrafficWeights: { [GREEN]: 0, [BLUE]: 100 } };
  // In ECS's envelope, and in the flat form the guide prints: both are read.
  for (const event of [withDetails(wrongWeights), { ...postTestTrafficShiftDetails, ...wrongWeights }]) {
    const r = await verifyTestTraffic(event, context(), { testUrl });
    expect(r).toEqual({ hookStatus: 'FAILED', reason: expect.stringMatching(/^the test listener does not send all its traffic to the new revision /) });
  }
  const early = await verifyTestTraffic({ ...postTestTrafficShift, lifecycleStage: 'PRE_SCALE_UP' }, context(), { testUrl });
  expect(early).toEqual({
    hookStatus: 'FAILED',
    reason: 'invoked at PRE_SCALE_UP, not POST_TEST_TRAFFIC_SHIFT: the test listener may not yet send its traffic to the new revision',
  });
  expect(requests).toBe(0);
});

test.each([
  ['null', null, 'the event is not an object'],
  ['without serviceArn', withDetails({ serviceArn: undefined }), 'the event has no serviceArn'],
  ['with an empty targetServiceRevisionArn', withDetails({ targetServiceRevisionArn: '' }), 'the event has no targetServiceRevisionArn'],
  ['with a weight as text', withDetails({ testTrafficWeights: { [GREEN]: '100' } }), "the event's testTrafficWeights is not a map of revision ARN to percent"],
])('a malformed event (%s): FAILED, saying what is wrong', async (_label, event, why) => {
  expect(await verifyTestTraffic(event, context(), { testUrl: 'http://127.0.0.1:9/' })).toEqual({ hookStatus: 'FAILED', reason: `refused: ${why}` });
});

test('a server that never answers: FAILED when the time left runs out, not when Lambda kills the function', async () => {
  const silent = http.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const began = Date.now();
  try {
    // 7 s left: the hook keeps 5 s to answer, so it gives the probes 2 s.
    const r = await verifyTestTraffic(postTestTrafficShift, context(7_000), { testUrl: `http://127.0.0.1:${port}/` });
    expect(r).toEqual({ hookStatus: 'FAILED', reason: "no verdict: no verdict within 2 s (the function's time less 5 s)" });
    expect(Date.now() - began).toBeLessThan(4_000);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('nothing listening at the test URL: FAILED, the serves gate saying it got no answer', async () => {
  const server = await startHttp(() => undefined);
  const url = `http://127.0.0.1:${server.port}/`;
  await server.close();
  const r = await verifyTestTraffic(postTestTrafficShift, context(), { testUrl: url, ...FAST });
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toMatch(/serves: no verdict: /);
});

test('the Lambda entry point reads the test URL from its environment; none set is FAILED, not a probe of nothing', async () => {
  const saved = process.env[VERIFY_HOOK_ENV.testUrl];
  delete process.env[VERIFY_HOOK_ENV.testUrl];
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const r = await handler(postTestTrafficShift, context());
    expect(r.hookStatus).toBe('FAILED');
    expect(r.reason).toMatch(/^no verdict: the URL is empty/);
    // The decision and its reason go to the function's log.
    expect(log).toHaveBeenCalledWith(JSON.stringify(r));
  } finally {
    log.mockRestore();
    if (saved !== undefined) process.env[VERIFY_HOOK_ENV.testUrl] = saved;
  }
});
