/**
 * ECS defaults for fields the template may leave out, each written once (the translator and the
 * tests read them here).
 */
export const ECS_DEFAULTS = {
  /** HealthCheck.Interval/Timeout/Retries/StartPeriod (task_definition_parameters.html#container_definition_healthcheck). */
  healthIntervalS: 30,
  healthTimeoutS: 5,
  healthRetries: 3,
  healthStartPeriodS: 0,
  /** RestartPolicy.RestartAttemptPeriod default (API_ContainerRestartPolicy). */
  restartAttemptPeriodS: 300,
  /** ECS_CONTAINER_STOP_TIMEOUT default of the EC2 container agent. */
  stopTimeoutS: 30,
  /** CPU shares the Linux kernel accepts; the agent passes Cpu < 2 (or none) as 2. */
  minCpuShares: 2,
  maxCpuShares: 262144,
} as const;
