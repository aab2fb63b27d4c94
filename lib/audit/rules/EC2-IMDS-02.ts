import { isUnknown } from '../model';
import { imdsDisabled, resourceRule } from './_kit';

/** Unset means the AMI default, which is 2 on Amazon Linux 2023 ECS AMIs: flagged for ECS hosts only. */
export default resourceRule(
  {
    id: 'EC2-IMDS-02',
    severity: 'medium',
    title: 'IMDS hop limit > 1',
    sources: ['AL2023 docs', 'hardening'],
    fix: 'Set MetadataOptions.HttpPutResponseHopLimit to 1, so containers cannot reach IMDS through the host.',
    inputs: ['template'],
  },
  (m) => m.hosts.filter((h) => !h.usesLaunchTemplate),
  (h) => {
    if (isUnknown(h.hopLimit) || imdsDisabled(h)) return undefined;
    if (h.hopLimit === undefined)
      return h.ecs ? 'HttpPutResponseHopLimit is not set: the AMI default (2 on Amazon Linux 2023) lets containers reach IMDS' : undefined;
    return h.hopLimit > 1 ? `HttpPutResponseHopLimit is ${h.hopLimit}: containers can reach IMDS` : undefined;
  },
);
