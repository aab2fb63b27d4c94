/**
 * The payload ECS sends a lifecycle hook at POST_TEST_TRAFFIC_SHIFT, in ECS's envelope
 * (lib/deploy-hooks/lifecycle-hook-contract.ts cites the documented shape): the guide's example for
 * that stage has both weight maps empty, the stage itself meaning the new revision (GREEN) has all
 * the test traffic.
 */
import type { HookContext } from '../../lib/deploy-hooks/lifecycle-hook-contract';

export const BLUE = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/cluster/web/1111';
export const GREEN = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/cluster/web/2222';

/** `executionDetails` as the guide prints it for POST_TEST_TRAFFIC_SHIFT. */
export const postTestTrafficShiftDetails = {
  serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/cluster/web',
  targetServiceRevisionArn: GREEN,
  testTrafficWeights: {},
  productionTrafficWeights: {},
};

export const postTestTrafficShift = {
  executionId: 'a1b2c3d4-hook-execution',
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  resourceArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/cluster/web/Xk2p9',
  executionDetails: postTestTrafficShiftDetails,
};

/** The envelope with some of `executionDetails` changed. */
export const withDetails = (patch: Record<string, unknown>) => ({
  ...postTestTrafficShift,
  executionDetails: { ...postTestTrafficShiftDetails, ...patch },
});

/** A Lambda context with `ms` left before the function's timeout (the hook's whole timeout by default). */
export const hookContext = (ms = 180_000): HookContext => ({ getRemainingTimeInMillis: () => ms });
