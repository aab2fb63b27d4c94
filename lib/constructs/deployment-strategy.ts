import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * How ECS replaces the service's tasks on a deployment (`service.deploymentStrategy`), ECS-native
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html):
 * - `rolling`: new tasks replace old ones in place, rolled back by the circuit breaker (the default,
 *   and the template of every release before this setting);
 * - `blue-green`: a full new revision starts beside the old one on a second target group, takes the
 *   test listener's traffic, is verified by the hook, then takes all production traffic at once;
 * - `canary`: as blue-green, but production traffic moves first in one share, then the rest;
 * - `linear`: as blue-green, but production traffic moves in equal steps.
 */
export const DEPLOYMENT_STRATEGIES = ['rolling', 'blue-green', 'canary', 'linear'] as const;
export type DeploymentStrategyName = (typeof DEPLOYMENT_STRATEGIES)[number];

/**
 * The strategies' defaults: the configuration schema (lib/config/app-config.ts) reads them from here,
 * and the README's settings table repeats the reasons.
 *
 * Every deployment alarm (lib/constructs/service-alarms.ts) looks at one-minute periods and fires
 * when 3 of the last 5 breach: a wait shorter than 5 minutes can end before an alarm could fire.
 */
export const DEPLOYMENT_STRATEGY_DEFAULTS = {
  strategy: 'rolling',
  /**
   * Minutes the old revision keeps running after all production traffic reached the new one, while
   * the alarms watch: two alarm windows, so a bad revision pages and rolls back to tasks that are
   * still up. It costs that long at twice the tasks.
   */
  bakeTimeMinutes: 10,
  /** Share of production traffic the canary takes first: enough requests for the 5xx alarms to see at modest traffic. */
  canaryPercent: 10,
  /** Minutes the canary runs before the rest moves: two alarm windows, as the bake time. */
  canaryBakeTimeMinutes: 10,
  /** Share of production traffic each linear step moves: four steps. */
  linearStepPercent: 25,
  /** Minutes between linear steps: one alarm window each, so four steps take 20 minutes. */
  linearStepBakeTimeMinutes: 5,
} as const;

/**
 * The traffic shares offered, in whole percents: ECS takes multiples of 0.1, a canary from 0.1 and a
 * linear step from 3, up to 100 (aws-cdk-lib aws-ecs TrafficShiftConfig), and aws-cdk-lib checks
 * `stepPercent * 10` is an integer in floating point, which refuses 0.3 (0.3 * 10 is
 * 3.0000000000000004): whole percents are the values that always synthesize.
 */
export const TRAFFIC_SHARE_PERCENT = { canary: { min: 1, max: 100 }, linear: { min: 3, max: 100 } } as const;
/** The longest bake time and step wait ECS accepts: 1440 minutes (24 hours). */
export const MAX_BAKE_TIME_MINUTES = 1440;

/**
 * The peak tasks of a deployment as a percent of the desired count, for the hosts' sizing check
 * (lib/config/validate-config.ts): a rolling deployment starts new tasks up to the maximum percent;
 * the other strategies start a whole new revision beside the old one (two full revisions).
 */
export function deploymentPeakPercent(strategy: DeploymentStrategyName, rollingMaximumPercent: number): number {
  return strategy === 'rolling' ? rollingMaximumPercent : 200;
}

/** Whether the strategy moves traffic between two target groups (and so needs the test listener and the hook). */
export const shiftsTraffic = (strategy: DeploymentStrategyName): boolean => strategy !== 'rolling';

export interface DeploymentStrategySettings {
  readonly deploymentStrategy: DeploymentStrategyName;
  readonly bakeTimeMinutes: number;
  readonly canaryPercent: number;
  readonly canaryBakeTimeMinutes: number;
  readonly linearStepPercent: number;
  readonly linearStepBakeTimeMinutes: number;
}

const ECS_STRATEGY: Record<DeploymentStrategyName, ecs.DeploymentStrategy> = {
  rolling: ecs.DeploymentStrategy.ROLLING,
  'blue-green': ecs.DeploymentStrategy.BLUE_GREEN,
  canary: ecs.DeploymentStrategy.CANARY,
  linear: ecs.DeploymentStrategy.LINEAR,
};

/**
 * The `Ec2Service` props of a strategy. Rolling gives none, so the default service stays exactly
 * what it was (no `Strategy` key in the template; ECS's own default is ROLLING).
 */
export function deploymentStrategyProps(s: DeploymentStrategySettings): Partial<ecs.Ec2ServiceProps> {
  if (!shiftsTraffic(s.deploymentStrategy)) return {};
  return {
    deploymentStrategy: ECS_STRATEGY[s.deploymentStrategy],
    bakeTime: Duration.minutes(s.bakeTimeMinutes),
    canaryConfiguration:
      s.deploymentStrategy === 'canary' ? { stepPercent: s.canaryPercent, stepBakeTime: Duration.minutes(s.canaryBakeTimeMinutes) } : undefined,
    linearConfiguration:
      s.deploymentStrategy === 'linear' ? { stepPercent: s.linearStepPercent, stepBakeTime: Duration.minutes(s.linearStepBakeTimeMinutes) } : undefined,
  };
}
