/**
 * End-to-end: the deployment verify hook (lib/deploy-hooks/verify-test-traffic.ts), invoked as ECS
 * invokes it at POST_TEST_TRAFFIC_SHIFT, with its test URL pointing at the task `secure-ecs local up`
 * runs: the project's task approves the deployment (SUCCEEDED); a task synthesized with limits too
 * high to ever bite (a weakened proxy: no effective rate limit) fails it, naming the rate-limit probe.
 *
 * Locally the host plays the load balancer (the proxy trusts it), so the hook appends a client
 * address as the ALB would for the hook's NAT address (test/e2e/verify.e2e.ts says the same of verify).
 */
import { verifyTestTraffic } from '../../lib/deploy-hooks/verify-test-traffic';
import { hookContext, postTestTrafficShift } from '../deploy-hooks/lifecycle-event';
import { newClient } from './helpers';
import { startTask, stopTask, synthWith } from './task-under-test';

const TASK = `secure-ecs-e2e-hook-${process.pid}`;
const WEAK_TASK = `secure-ecs-e2e-hook-weak-${process.pid}`;

// One task at a time: the first is stopped by its own test, the weakened one here.
afterAll(() => stopTask(WEAK_TASK), 5 * 60_000);

test(
  'the project task: every probe holds through the hook, which approves the deployment',
  async () => {
    try {
      const t = await startTask(TASK);
      const began = Date.now();
      const r = await verifyTestTraffic(postTestTrafficShift, hookContext(), { testUrl: `http://127.0.0.1:${t.port}/`, forwardedFor: newClient() });
      process.stderr.write(`\nverify hook, project task: ${r.hookStatus} in ${((Date.now() - began) / 1000).toFixed(1)} s: ${r.reason}\n`);
      expect(r).toEqual({ hookStatus: 'SUCCEEDED', reason: expect.stringMatching(/every probe holds .*: PASS$/) });
    } finally {
      await stopTask(TASK);
    }
  },
  25 * 60_000,
);

test(
  'a task whose rate limit never bites (10000 requests/s, burst 100000): the hook fails the deployment, naming the rate-limit probe',
  async () => {
    const assembly = await synthWith({ rateLimit: { requestsPerSecond: 10000, burst: 100000 } });
    const weak = await startTask(WEAK_TASK, { assembly });
    expect(weak.proxyEnv.RATE_LIMIT_BURST).toBe('100000');
    const r = await verifyTestTraffic(postTestTrafficShift, hookContext(), { testUrl: `http://127.0.0.1:${weak.port}/`, forwardedFor: newClient() });
    process.stderr.write(`\nverify hook, weakened task: ${r.hookStatus}: ${r.reason}\n`);
    expect(r.hookStatus).toBe('FAILED');
    expect(r.reason).toMatch(/probes? fail: .*\brate-limit\b/);
    expect(r.reason).toMatch(/; rate-limit: no 429 in \d+ requests/);
  },
  25 * 60_000,
);
