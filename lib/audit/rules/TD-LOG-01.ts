import { isUnknown } from '../model';
import { containerRule } from './_kit';

export default containerRule(
  {
    id: 'TD-LOG-01',
    severity: 'high',
    title: 'No logging configuration',
    sources: ['Security Hub ECS.9', 'cdk-nag AwsSolutions-ECS7', 'CT.ECS.PR.5', 'CIS Docker 2.13'],
    fix: 'Add logConfiguration with logDriver awslogs (or awsfirelens) to every container.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) =>
    isUnknown(c.logDriver)
      ? undefined
      : !c.logConfiguration
        ? 'no logConfiguration'
        : c.logDriver === undefined
          ? 'logConfiguration has no logDriver'
          : undefined,
);
