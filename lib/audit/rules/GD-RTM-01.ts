import { defineRule, evaluation, findingOn, NOT_APPLICABLE } from './_kit';

/**
 * Live only (`--cluster` with `--account`): each container instance of the cluster must be in
 * GuardDuty's Runtime Monitoring coverage (ListCoverage, resource type EC2) with status HEALTHY.
 * Not applicable without container instances or without a GuardDuty reading.
 */
export default defineRule({
  id: 'GD-RTM-01',
  severity: 'high',
  title: 'Cluster hosts not covered by GuardDuty Runtime Monitoring',
  sources: ['Security Hub GuardDuty.11', 'Security Hub GuardDuty.1', 'prowler guardduty_is_enabled', 'ECS Developer Guide "GuardDuty Runtime Monitoring"'],
  fix: 'Turn on account.guardDutyRuntimeMonitoring, deploy the account stack and the app, and fix the coverage issue GuardDuty names.',
  inputs: ['live'],
  check(model) {
    const [gd] = model.runtimeMonitoring;
    if (!gd || model.containerInstances.length === 0) return NOT_APPLICABLE;
    return evaluation(
      model.containerInstances
        .map((ci) => {
          const why = (() => {
            if (!gd.detectorId) return 'the region has no GuardDuty detector';
            if (!gd.enabled) return 'GuardDuty Runtime Monitoring is not enabled in the region';
            const covered = ci.ec2InstanceId === undefined ? undefined : gd.coverage[ci.ec2InstanceId];
            if (!covered)
              return `instance ${ci.ec2InstanceId ?? '(unknown)'} is not in GuardDuty's runtime coverage${gd.ec2AgentManagement ? '' : ' (EC2 agent management is off)'}`;
            if (covered.status !== 'HEALTHY')
              return `instance ${ci.ec2InstanceId}'s runtime coverage is ${covered.status}${covered.issue ? `: ${covered.issue}` : ''}`;
            return undefined;
          })();
          return why === undefined ? undefined : findingOn(ci, { message: why });
        })
        .filter((f) => f !== undefined),
    );
  },
});
