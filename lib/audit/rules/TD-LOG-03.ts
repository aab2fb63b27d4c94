import { isUnknown } from '../model';
import { containerRule } from './_kit';

/**
 * In blocking mode (Docker's default when `mode` is unset) a container stops when it cannot write
 * its logs, for example when CloudWatch is throttled
 * (https://aws.amazon.com/blogs/containers/preventing-log-loss-with-non-blocking-mode-in-the-awslogs-container-log-driver/).
 * Containers without a log driver are TD-LOG-01's.
 */
export default containerRule(
  {
    id: 'TD-LOG-03',
    severity: 'low',
    title: 'Log driver in blocking mode',
    sources: ['prowler ecs_task_definitions_logging_block_mode'],
    fix: 'Set logConfiguration.options.mode to non-blocking (with max-buffer-size), so a logging outage does not stop the app.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    if (!c.logConfiguration || c.logDriver === undefined || isUnknown(c.logDriver) || isUnknown(c.logMode) || c.logMode === 'non-blocking') return undefined;
    return `logConfiguration.options.mode is ${c.logMode ?? 'not set (blocking)'}`;
  },
);
