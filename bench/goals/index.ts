/**
 * The goals the report checks, as pure functions of the measured numbers (tested in
 * test/bench/goals*.test.ts). Each returns the row of the goals table and, when it matters, the
 * reason computed from the same numbers.
 */
export { NOT_MEASURED_IN_RUN, notMeasuredGoal, straddles, verdict, type Goal } from './goal';
export { capacityGoal, featuresGoal, hardeningGoals, type ClosedLoopCost } from './closed-loop';
export { capacityPerVcpuGoal, cpuFloorGoal, openLoopGoal, type OpenLoopLevel } from './open-loop';
export { crashRecoveryGoal, ecsHealthGoal, startupGoal } from './startup';
export { limiterFairnessGoal, limiterNo5xxGoal, limiterPrecisionGoal } from './limiter';
export { IMAGE_SIZE_LIMITS, imageSizeGoals, SYNTH_GOAL, synthGoal } from './devloop';
