/**
 * What ECS sends a lifecycle-hook Lambda and what it must answer, as the ECS developer guide states
 * it (there is no AWS SDK type for it):
 * - "Lifecycle hooks for Amazon ECS service deployments", section "Lifecycle payloads":
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html
 *   Every payload has `serviceArn`, `targetServiceRevisionArn`, `testTrafficWeights` and
 *   `productionTrafficWeights` (maps of service revision ARN to weight percent; the guide's own
 *   POST_TEST_TRAFFIC_SHIFT example has both maps empty). ECS delivers them inside an envelope,
 *   `{ executionId, lifecycleStage, resourceArn, executionDetails: { those fields }, hookDetails }`
 *   (the field names the guide's Lambda examples and AWS's ECS blue/green samples read); the
 *   guide's stage examples print `executionDetails` alone. {@link readLifecycleEvent} takes both.
 * - "Lambda hooks for Amazon ECS service deployments":
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html
 *   The function returns `{ "hookStatus": "SUCCEEDED" | "FAILED" | "IN_PROGRESS" }`, optionally with
 *   `callBackDelay` (seconds before ECS invokes it again, for IN_PROGRESS) and `hookDetails` (passed
 *   back on the next invocation). "If your function doesn't return a valid hookStatus, or if it
 *   fails, Amazon ECS rolls back the deployment": a hook that throws or times out fails closed.
 * - The stages (API_DeploymentLifecycleHook): POST_TEST_TRAFFIC_SHIFT is "The test traffic shift
 *   is complete. The green service revision handles 100% of the test traffic", before
 *   PRODUCTION_TRAFFIC_SHIFT moves any production traffic.
 */

export interface LifecycleHookEvent {
  /** The stage ECS invokes the hook at (the envelope's `lifecycleStage`), when the event names it. */
  readonly lifecycleStage?: string;
  readonly serviceArn: string;
  readonly targetServiceRevisionArn: string;
  /** Service revision ARN → percent of the test listener's traffic it receives. */
  readonly testTrafficWeights?: Readonly<Record<string, number>>;
  /** Service revision ARN → percent of production traffic it receives. */
  readonly productionTrafficWeights?: Readonly<Record<string, number>>;
  /** The hook's configured details, or what an IN_PROGRESS answer returned last time. */
  readonly hookDetails?: Readonly<Record<string, unknown>>;
}

export type HookStatus = 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';

export interface LifecycleHookResponse {
  readonly hookStatus: HookStatus;
  readonly callBackDelay?: number;
  readonly hookDetails?: Readonly<Record<string, unknown>>;
  /**
   * Not read by ECS: why the hook decided so, for the function's log and for whoever invokes it by
   * hand (a test, `aws lambda invoke`). Probe names and server quotes are untrusted, escaped text.
   */
  readonly reason: string;
}

/** The part of the Lambda context a hook reads: how long it has left before Lambda stops it. */
export interface HookContext {
  getRemainingTimeInMillis(): number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The event, checked: whatever arrives is data, and a payload without the common fields is refused.
 * Reads the fields from `executionDetails` when the event has one (ECS's envelope), else from the
 * event itself (the guide's printed examples).
 */
export function readLifecycleEvent(event: unknown): { event: LifecycleHookEvent } | { problem: string } {
  if (!isRecord(event)) return { problem: 'the event is not an object' };
  const details = isRecord(event.executionDetails) ? event.executionDetails : event;
  for (const field of ['serviceArn', 'targetServiceRevisionArn'] as const) {
    if (typeof details[field] !== 'string' || details[field] === '') return { problem: `the event has no ${field}` };
  }
  for (const field of ['testTrafficWeights', 'productionTrafficWeights'] as const) {
    const weights = details[field];
    if (weights !== undefined && (!isRecord(weights) || Object.values(weights).some((w) => typeof w !== 'number'))) {
      return { problem: `the event's ${field} is not a map of revision ARN to percent` };
    }
  }
  const stage = event.lifecycleStage;
  if (stage !== undefined && typeof stage !== 'string') return { problem: "the event's lifecycleStage is not a string" };
  return {
    event: {
      lifecycleStage: stage,
      serviceArn: details.serviceArn as string,
      targetServiceRevisionArn: details.targetServiceRevisionArn as string,
      testTrafficWeights: details.testTrafficWeights as LifecycleHookEvent['testTrafficWeights'],
      productionTrafficWeights: details.productionTrafficWeights as LifecycleHookEvent['productionTrafficWeights'],
      hookDetails: isRecord(event.hookDetails) ? event.hookDetails : undefined,
    },
  };
}
