import type { AppConfig } from './app-config';
import { shiftsTraffic } from '../constructs/deployment-strategy';

/** Fewest tasks a canary or linear deployment runs with. */
const MIN_TASKS_SHIFTING_SHARES = 2;

/**
 * What `service.deploymentStrategy` needs of the other settings. The hosts' room for two revisions
 * is the sizing check's (lib/config/validate-config.ts, sizingProblems), which counts the strategy's peak.
 */
export function deploymentStrategyProblems(c: AppConfig): string[] {
  const strategy = c.service.deploymentStrategy;
  const problems: string[] = [];
  if ((strategy === 'canary' || strategy === 'linear') && c.service.minTasks < MIN_TASKS_SHIFTING_SHARES) {
    problems.push(
      `service.minTasks: received ${c.service.minTasks} with service.deploymentStrategy "${strategy}"; expected at least ${MIN_TASKS_SHIFTING_SHARES} ` +
        '(a share of the traffic served by one task judges the revision on that one task: one restart or slow host rolls back a good revision), ' +
        'or service.deploymentStrategy "rolling" or "blue-green"',
    );
  }
  if (shiftsTraffic(strategy) && c.network.natAvailabilityMode === 'regional') {
    problems.push(
      `network.natAvailabilityMode: received "regional" with service.deploymentStrategy "${strategy}"; expected "zonal": the test listener admits ` +
        "only the NAT gateways' Elastic IPs, which the stack must know, and a regional NAT gateway in automatic mode allocates its addresses at deploy time " +
        '(or use service.deploymentStrategy "rolling")',
    );
  }
  return problems;
}
