import { isUnknown } from '../model';
import { knownItems, resourceRule } from './_kit';

/**
 * The newest Fargate platform versions (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html),
 * the same defaults as prowler's fargate_linux_latest_version/fargate_windows_latest_version.
 */
const LATEST = new Set(['LATEST', '1.4.0', '1.0.0']);

/** A service is on Fargate by its launch type or a FARGATE/FARGATE_SPOT capacity provider. */
export default resourceRule(
  {
    id: 'SVC-FG-01',
    severity: 'medium',
    title: 'Fargate not on latest platform',
    sources: ['Security Hub ECS.10', 'prowler ecs_service_fargate_latest_platform_version', 'checkov CKV_AWS_332 (Terraform)'],
    fix: "Remove platformVersion (it defaults to LATEST) or set it to LATEST, so tasks get the platform's security fixes.",
    inputs: ['template', 'live'],
  },
  (m) => m.services.filter((s) => s.launchType === 'FARGATE' || knownItems(s.capacityProviders).some((cp) => /^FARGATE/.test(cp))),
  (s) =>
    s.platformVersion === undefined || isUnknown(s.platformVersion) || LATEST.has(s.platformVersion)
      ? undefined
      : `platformVersion is ${s.platformVersion}, not LATEST`,
);
