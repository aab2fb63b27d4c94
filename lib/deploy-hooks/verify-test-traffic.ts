/**
 * The lifecycle hook that proves a new revision before production traffic reaches it: at
 * POST_TEST_TRAFFIC_SHIFT the test listener sends all its traffic to the new revision, and this
 * hook runs `secure-ecs verify`'s probes (lib/verify, the one implementation) against it through that
 * listener. Every probe holds: SUCCEEDED. A probe fails, the event is not what ECS sends, the test
 * traffic is not on the new revision, or no verdict comes in time: FAILED, and ECS rolls back
 * (lib/deploy-hooks/lifecycle-hook-contract.ts cites the contract).
 *
 * Bundled by esbuild into the hook Lambda (lib/constructs/lifecycle-hook-function.ts); `handler` is
 * its entry point and reads its settings from the function's environment.
 */
import { escapeControl } from '../audit/untrusted-text';
import { summaryLine } from '../verify/report/summary-line';
import { runVerify, type VerifyReport } from '../verify/run-verify';
import { parseTarget } from '../verify/target';
import { type HookContext, type LifecycleHookEvent, type LifecycleHookResponse, readLifecycleEvent } from './lifecycle-hook-contract';

/** The environment variables the hook Lambda is configured with (lib/constructs/verify-hook.ts sets them). */
export const VERIFY_HOOK_ENV = {
  /** The test listener's URL, `http://<load balancer DNS name>:<test port>/`. */
  testUrl: 'TEST_URL',
  /** Methods beyond GET, HEAD and POST the app accepts (app.methods), comma-separated: not expected to get 405. */
  allowedMethods: 'ALLOWED_METHODS',
} as const;

/** The stage the hook runs at (lib/constructs/verify-hook.ts registers it there; ECS names it in the event). */
export const VERIFY_HOOK_STAGE = 'POST_TEST_TRAFFIC_SHIFT';

/** Time kept back from the function's own timeout to answer FAILED instead of being killed. */
const ANSWER_MARGIN_MS = 5_000;

export interface VerifyTestTrafficOptions {
  /** The test listener's URL. */
  readonly testUrl: string;
  readonly allowedMethods?: readonly string[];
  /** An address to append to X-Forwarded-For (only where no load balancer appends one: the local task in the e2e suite). */
  readonly forwardedFor?: string;
  /** Seconds the server may hold an unfinished request: the slow-client probe's wait (verify's default when unset). */
  readonly slowClientSeconds?: number;
}

const failed = (reason: string): LifecycleHookResponse => ({ hookStatus: 'FAILED', reason: escapeControl(reason) });

/**
 * Why the probes would not judge the new revision, or undefined when they would. The hook runs at
 * POST_TEST_TRAFFIC_SHIFT, where "the green service revision handles 100% of the test traffic"
 * (API_DeploymentLifecycleHook); the guide's example payload for that stage has empty weight maps, so
 * an empty or missing map is that stage's normal, and only a named stage other than this one, or a map
 * that gives the new revision less than all the test traffic, is refused.
 */
function testTrafficProblem(event: LifecycleHookEvent): string | undefined {
  if (event.lifecycleStage !== undefined && event.lifecycleStage !== VERIFY_HOOK_STAGE) {
    return `invoked at ${event.lifecycleStage}, not ${VERIFY_HOOK_STAGE}: the test listener may not yet send its traffic to the new revision`;
  }
  const weights = event.testTrafficWeights ?? {};
  if (Object.keys(weights).length === 0 || weights[event.targetServiceRevisionArn] === 100) return undefined;
  return (
    `the test listener does not send all its traffic to the new revision ${event.targetServiceRevisionArn} ` +
    `(test traffic weights ${JSON.stringify(weights)}): the probes would judge another revision`
  );
}

/** The verdict of a report: SUCCEEDED only when every probe holds; otherwise the failing probes, each with what the server did. */
function decision(report: VerifyReport): LifecycleHookResponse {
  const summary = summaryLine(report);
  if (report.holds) return { hookStatus: 'SUCCEEDED', reason: escapeControl(summary) };
  const failing = report.verdicts.filter((v) => v.outcome === 'fails').map((v) => `${v.id}: ${v.detail}`);
  return failed(`${summary}; ${failing.join('; ')}`);
}

/** Rejects after `ms`, so no verdict arriving in time fails the hook; `clear` stops the timer. */
function deadline(ms: number): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no verdict within ${Math.round(ms / 1000)} s (the function's time less ${ANSWER_MARGIN_MS / 1000} s)`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/**
 * Decide one invocation. Never throws: an error is a FAILED answer saying why (ECS would roll back a
 * thrown error too, but then the reason is only in the function's log as a stack).
 */
export async function verifyTestTraffic(event: unknown, context: HookContext, options: VerifyTestTrafficOptions): Promise<LifecycleHookResponse> {
  const read = readLifecycleEvent(event);
  if ('problem' in read) return failed(`refused: ${read.problem}`);
  const traffic = testTrafficProblem(read.event);
  if (traffic) return failed(traffic);
  const timeLeft = context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
  if (timeLeft <= 0) return failed('no time left to probe before the function times out');
  const limit = deadline(timeLeft);
  try {
    const report = await Promise.race([
      runVerify({
        target: parseTarget(options.testUrl),
        allowedMethods: options.allowedMethods,
        forwardedFor: options.forwardedFor,
        slowClientSeconds: options.slowClientSeconds,
      }),
      limit.promise,
    ]);
    return decision(report);
  } catch (e) {
    return failed(`no verdict: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    limit.clear();
  }
}

/** The settings the function's environment gives (lib/constructs/verify-hook.ts writes them). */
function optionsFromEnvironment(env: NodeJS.ProcessEnv): VerifyTestTrafficOptions {
  const methods = env[VERIFY_HOOK_ENV.allowedMethods];
  return {
    testUrl: env[VERIFY_HOOK_ENV.testUrl] ?? '',
    allowedMethods: methods ? methods.split(',') : [],
  };
}

/** The Lambda entry point: decides, logs the decision with its reason (the function's log group), answers ECS. */
export async function handler(event: unknown, context: HookContext): Promise<LifecycleHookResponse> {
  const response = await verifyTestTraffic(event, context, optionsFromEnvironment(process.env));
  console.log(JSON.stringify(response));
  return response;
}
