import { containerRule, known } from './_kit';

const CENTRAL_LOG_DRIVERS = new Set(['awslogs', 'awsfirelens', 'splunk']);

/** A container without any driver is TD-LOG-01's. */
export default containerRule(
  {
    id: 'TD-LOG-02',
    severity: 'low',
    title: 'Log driver not centralized',
    sources: ['cdk-nag AwsSolutions-ECS7 rationale', 'CIS Docker 2.13'],
    fix: 'Use logDriver awslogs, awsfirelens or splunk, so logs leave the instance.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const driver = known(c.logDriver);
    return driver !== undefined && !CENTRAL_LOG_DRIVERS.has(driver) ? `logDriver is ${driver}: logs stay on the instance` : undefined;
  },
);
