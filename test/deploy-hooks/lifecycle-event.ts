/**
 * The payload ECS sends a lifecycle hook at POST_TEST_TRAFFIC_SHIFT (lib/deploy-hooks/lifecycle-hook-contract.ts
 * cites the documented shape): the new revision (GREEN) has all the test traffic and none of production's.
 */
import type { HookContext, LifecycleHookEvent } from '../../lib/deploy-hooks/lifecycle-hook-contract';

export const BLUE = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/cluster/web/1111';
export const GREEN = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/cluster/web/2222';

export const postTestTrafficShift: LifecycleHookEvent = {
  serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/cluster/web',
  targetServiceRevisionArn: GREEN,
  testTrafficWeights: { [GREEN]: 100, [BLUE]: 0 },
  productionTrafficWeights: { [GREEN]: 0, [BLUE]: 100 },
};

/** A Lambda context with `ms` left before the function's timeout (the hook's whole timeout by default). */
export const hookContext = (ms = 180_000): HookContext => ({ getRemainingTimeInMillis: () => ms });
