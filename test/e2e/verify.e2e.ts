/**
 * End-to-end: `secure-ecs verify` (lib/verify) against the task `secure-ecs local up` runs, as a user
 * would run it after a deploy. Locally the host plays the ALB (the proxy trusts it), so verify appends
 * a client address as the ALB would (--forwarded-for); without it the forged-address probe must fail,
 * because anything on the host is trusted as the load balancer.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli } from '../audit/helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { newClient, ROOT } from './helpers';
import { startTask, stopTask, type TaskUnderTest } from './task-under-test';
import { allow } from './time-allowance';

const TASK = `secure-ecs-e2e-verify-${process.pid}`;
const scratch = tempDir('secure-ecs-e2e-verify-');
const TLS_PROBES = ['tls-versions', 'tls-certificate', 'https-redirect', 'hsts'];
let t: TaskUnderTest;
let bundle = '';

beforeAll(async () => {
  bundle = buildCli();
  t = await startTask(TASK);
}, 25 * 60_000);
afterAll(() => stopTask(TASK), 5 * 60_000);

/**
 * `secure-ecs verify` with a JSON report: the exit code, the report, and what it printed on stderr.
 * The CLI is this file's own bundle (test/audit/helpers/cli.ts), not the suite's shared one under
 * node_modules, which another worktree sharing node_modules may rebuild meanwhile.
 */
async function verify(name: string, ...args: string[]) {
  const file = path.join(scratch, `${name}.json`);
  const began = Date.now();
  const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bundle, 'verify', `http://127.0.0.1:${t.port}/`, '--format', 'json', '--output', file, ...args],
      { cwd: ROOT, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, timeout: allow(150_000) },
      (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  process.stderr.write(
    `\nverify ${name}: exit ${r.code}, ${report.requests} requests in ${seconds(report.ms)} s (${seconds(Date.now() - began)} s with the CLI's start)\n`,
  );
  return { code: r.code, stderr: r.stderr, report, verdict: (id: string) => report.probes.find((p: any) => p.id === id) };
}

test('verify exits 0 against the local task: every probe holds (the TLS ones do not apply to http)', async () => {
  const r = await verify('as-a-client-behind-the-alb', '--forwarded-for', newClient());
  expect(r.report.probes.map((p: any) => [p.id, p.outcome, p.detail])).toEqual(
    r.report.probes.map((p: any) => [p.id, TLS_PROBES.includes(p.id) ? 'not-applicable' : 'holds', p.detail]),
  );
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/every probe holds .*: PASS\n$/);
  // The slow client is cut off by the proxy's own header timeout, as local-task.e2e.ts measures it.
  const timeoutS = Number(t.proxyEnv.REQUEST_TIMEOUT_SECONDS);
  const closedAfterS = Number(/^closed after (\d+\.\d) s/.exec(r.verdict('slow-client').detail)?.[1]);
  expect(closedAfterS).toBeGreaterThanOrEqual(timeoutS - 0.5);
  expect(closedAfterS).toBeLessThan(timeoutS + 3);
  // Bounded: the burst, a few 429s and the other probes' few dozen requests.
  expect(r.report.requests).toBeLessThan(Number(t.proxyEnv.RATE_LIMIT_BURST) + 100);
});

test('without --forwarded-for, a forged X-Forwarded-For escapes the limit locally (the host is trusted as the ALB), and verify says so', async () => {
  const r = await verify('as-the-host');
  expect(r.code).toBe(1);
  expect(r.report.probes.filter((p: any) => p.outcome === 'fails').map((p: any) => p.id)).toEqual(['forwarded-for-spoofing']);
  expect(r.verdict('forwarded-for-spoofing').detail).toMatch(/a forged address escapes the limit$/);
});
