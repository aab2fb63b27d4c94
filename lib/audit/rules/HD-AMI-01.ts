import { agentRule } from './_kit';

/** The public SSM parameters that always name the current ECS-optimized AMI. */
const RECOMMENDED = /^\/aws\/service\/ecs\/optimized-ami\/.+\/recommended(\/image_id)?$/;

/** Bottlerocket's public parameters (bottlerocket-os/bottlerocket QUICKSTART-ECS.md, "Finding an AMI"). */
const BOTTLEROCKET_LATEST = /^\/aws\/service\/bottlerocket\/aws-ecs-\d+(-nvidia)?\/(x86_64|arm64)\/latest\/image_id$/;

function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Offline: the AMI must come from the ECS "recommended" SSM parameter. Live the API shows no
 * "latest" version, so an instance is stale when its agent is older than the newest agent
 * running in the same cluster (our reading of the catalog's versionInfo check).
 */
export default agentRule(
  {
    id: 'HD-AMI-01',
    severity: 'low',
    title: 'Stale ECS-optimized AMI/agent',
    sources: ['CIS Docker 1.2.2'],
    fix: 'Resolve the AMI from /aws/service/ecs/optimized-ami/<os>/recommended/image_id and replace instances regularly (instance refresh).',
    inputs: ['template', 'live'],
  },
  {
    userData: (_ud, host) => {
      if (host.imageSsmParameter !== undefined) {
        return RECOMMENDED.test(host.imageSsmParameter)
          ? undefined
          : `the AMI comes from SSM parameter ${host.imageSsmParameter}, not an ECS-optimized "recommended" one`;
      }
      if (typeof host.imageId === 'string') return `the AMI is pinned to ${host.imageId} and will not get ECS agent or Docker updates`;
      return undefined;
    },
    bottlerocket: (_s, host) =>
      host.imageSsmParameter !== undefined && !BOTTLEROCKET_LATEST.test(host.imageSsmParameter)
        ? `the AMI comes from SSM parameter ${host.imageSsmParameter}, not a Bottlerocket ECS variant's "latest" one`
        : typeof host.imageId === 'string'
          ? `the AMI is pinned to ${host.imageId} and will not get Bottlerocket updates`
          : undefined,
    instance: (ci, model) => {
      if (!ci.agentVersion) return undefined;
      const peers = model.containerInstances.filter((o) => o.cluster === ci.cluster && o.agentVersion);
      const newest = peers
        .map((o) => o.agentVersion!)
        .sort(compareVersions)
        .pop()!;
      return compareVersions(ci.agentVersion, newest) < 0
        ? `ECS agent ${ci.agentVersion} is older than ${newest}, which other instances in the cluster run`
        : undefined;
    },
  },
);
