import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/** Fargate capacity providers have no Auto Scaling group and are not applicable. */
export default resourceRule(
  {
    id: 'CP-TERM-01',
    severity: 'medium',
    title: 'No managed termination protection',
    sources: ['Security Hub ECS.19'],
    fix: 'Set managedTerminationProtection ENABLED (and protect new instances from scale-in in the Auto Scaling group).',
    inputs: ['template', 'live'],
  },
  (m) => m.capacityProviders.filter((cp) => cp.autoScalingGroup !== undefined),
  (cp) => {
    const value = cp.autoScalingGroup?.managedTerminationProtection;
    return isUnknown(value) || value === 'ENABLED'
      ? undefined
      : `managedTerminationProtection is ${value ?? 'not set (DISABLED)'}: scale-in can stop an instance that runs tasks`;
  },
);
