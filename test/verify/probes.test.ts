/**
 * The verdicts of `verify`'s probes against real HTTP servers on 127.0.0.1: the hardened stand-in
 * (test/verify/helpers/servers.ts) holds every probe, and each weakness switched on fails the probe
 * that guards against it, naming what the server did.
 */
import { runVerify, type VerifyReport } from '../../lib/verify/run-verify';
import { parseTarget } from '../../lib/verify/target';
import { hardenedHandler, type Running, startHttp, type Weakness } from './helpers/servers';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function verifyAgainst(
  weak: Weakness,
  options: { forwardedFor?: string; trusted?: (peer: string) => boolean; maxRequests?: number; allowedMethods?: string[] } = {},
) {
  const server = await startHttp(hardenedHandler(weak, options.trusted));
  running.push(server);
  return runVerify({
    target: parseTarget(`http://127.0.0.1:${server.port}/`),
    slowClientSeconds: 3,
    forwardedFor: options.forwardedFor,
    maxRequests: options.maxRequests,
    allowedMethods: options.allowedMethods,
  });
}

const outcomes = (r: VerifyReport) => Object.fromEntries(r.verdicts.map((v) => [v.id, v.outcome]));
const verdict = (r: VerifyReport, id: string) => r.verdicts.find((v) => v.id === id)!;
const failed = (r: VerifyReport) => r.verdicts.filter((v) => v.outcome === 'fails').map((v) => v.id);

test('the hardened stand-in holds every probe; the TLS probes do not apply to an http URL', async () => {
  const r = await verifyAgainst({});
  expect(outcomes(r)).toEqual({
    serves: 'holds',
    'security-headers': 'holds',
    'server-disclosure': 'holds',
    'method-allow-list': 'holds',
    'body-limit': 'holds',
    dotfiles: 'holds',
    'path-traversal': 'holds',
    'php-fpm-pages': 'holds',
    'tls-versions': 'not-applicable',
    'tls-certificate': 'not-applicable',
    'https-redirect': 'not-applicable',
    hsts: 'not-applicable',
    'slow-client': 'holds',
    'rate-limit': 'holds',
    'forwarded-for-spoofing': 'holds',
  });
  expect(r.holds).toBe(true);
  // Bounded: the flood stops at its fifth 429, so the run costs the burst and a few dozen requests.
  expect(r.requests).toBeLessThan(100);
  expect(r.requests).toBe(r.verdicts.reduce((n, v) => n + v.requests, 0));
  expect(verdict(r, 'slow-client').detail).toMatch(/^closed after \d\.\d s with 408$/);
  expect(verdict(r, 'rate-limit').detail).toMatch(/^429 from request \d+ on .*Retry-After: 1$/);
});

test.each<[string, Weakness, RegExp]>([
  ['rate-limit', { noRetryAfter: true }, /429 answers lack Retry-After/],
  [
    'forwarded-for-spoofing',
    { keyOnLeftmostForwardedFor: true },
    /forged X-Forwarded-For let through [3-8] of 8, plain [0-1] of 8: a forged address escapes the limit/,
  ],
  [
    'security-headers',
    { headersOnSuccessOnly: true },
    /^the 404 answer for \/secure-ecs-verify-not-found lacks X-Content-Type-Options: nosniff, Content-Security-Policy/,
  ],
  ['method-allow-list', { allowTrace: true }, /^TRACE -> 200 without Allow$/],
  ['dotfiles', { serveDotEnv: true }, /^\/\.env -> 200$/],
])('%s fails, saying why, when the server has the weakness %j', async (id, weak, detail) => {
  // The leftmost-entry weakness needs a server that believes X-Forwarded-For at all: it trusts this machine.
  const r = await verifyAgainst(weak, weak.keyOnLeftmostForwardedFor ? { trusted: () => true, forwardedFor: '198.51.100.7' } : {});
  expect(failed(r)).toEqual([id]);
  expect(verdict(r, id).detail).toMatch(detail);
  expect(r.holds).toBe(false);
});

test('no rate limit: both rate probes fail, the flood stays within its bound', async () => {
  const r = await verifyAgainst({ noRateLimit: true });
  expect(failed(r)).toEqual(['rate-limit', 'forwarded-for-spoofing']);
  expect(verdict(r, 'rate-limit').detail).toMatch(/^no 429 in 300 requests over \d+\.\d s/);
  expect(verdict(r, 'rate-limit').requests).toBe(300);
  expect(verdict(r, 'forwarded-for-spoofing').detail).toMatch(/^not checked: the rate-limit probe saw no 429/);
});

test('behind a load balancer that is this machine (secure-ecs local), --forwarded-for is what keeps a forged address in its bucket', async () => {
  // The server trusts 127.0.0.1 as its load balancer, as the local task trusts its host.
  const trusted = () => true;
  const without = await verifyAgainst({}, { trusted });
  expect(failed(without)).toEqual(['forwarded-for-spoofing']);
  const withAddress = await verifyAgainst({}, { trusted, forwardedFor: '198.51.100.7' });
  expect(withAddress.holds).toBe(true);
});

test('the request budget ends the run early: the unfinished probes fail, never pass', async () => {
  const r = await verifyAgainst({}, { maxRequests: 30 });
  expect(r.requests).toBe(30);
  expect(verdict(r, 'rate-limit')).toMatchObject({ outcome: 'fails', detail: 'no verdict: the request budget (30) is spent' });
  expect(r.holds).toBe(false);
});

test('a URL that does not answer fails serves and runs nothing else', async () => {
  const server = await startHttp(hardenedHandler());
  const port = server.port;
  await server.close();
  const r = await runVerify({ target: parseTarget(`http://127.0.0.1:${port}/`), slowClientSeconds: 3 });
  expect(verdict(r, 'serves')).toMatchObject({ outcome: 'fails', detail: 'no verdict: ECONNREFUSED' });
  expect(verdict(r, 'rate-limit')).toMatchObject({ outcome: 'fails', detail: 'not run: serves got no answer' });
  expect(r.requests).toBe(1);
});

test('only: the named probes and the gates before them run, and only they are reported', async () => {
  const server = await startHttp(hardenedHandler());
  running.push(server);
  const r = await runVerify({ target: parseTarget(`http://127.0.0.1:${server.port}/`), only: ['php-fpm-pages', 'method-allow-list'] });
  expect(r.verdicts.map((v) => [v.id, v.outcome])).toEqual([
    ['serves', 'holds'],
    ['method-allow-list', 'holds'],
    ['php-fpm-pages', 'holds'],
    ['tls-certificate', 'not-applicable'],
  ]);
  expect(r.requests).toBe(1 + 5 + 6);
});

test('an app configured for more methods (app.methods) holds the allow-list once verify is told them (--allow-method)', async () => {
  const told = await verifyAgainst({ appMethods: ['PUT', 'DELETE'] }, { allowedMethods: ['PUT', 'DELETE'] });
  expect(verdict(told, 'method-allow-list')).toMatchObject({ outcome: 'holds', detail: 'PATCH, OPTIONS, TRACE -> 405 with Allow' });
  const untold = await verifyAgainst({ appMethods: ['PUT', 'DELETE'] });
  expect(verdict(untold, 'method-allow-list')).toMatchObject({ outcome: 'fails', detail: 'DELETE -> 200 without Allow, PUT -> 200 without Allow' });
});
