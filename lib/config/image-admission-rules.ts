import type { AppConfig } from './app-config';
import { shiftsTraffic } from '../constructs/deployment-strategy';

/**
 * What `service.imageAdmission` needs of the other settings. The hook runs at PRE_SCALE_UP, a stage
 * of ECS's blue/green, canary and linear deployments
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html);
 * aws-cdk-lib 2.276 does not refuse a hook on a rolling service, but the ECS docs describe the
 * stages for the traffic-shifting strategies only, so admission is offered with those.
 */
export function imageAdmissionProblems(c: AppConfig): string[] {
  const a = c.service.imageAdmission;
  const blockSeverities = a.blockSeverities ?? [];
  const acceptedFindings = a.acceptedFindings ?? [];
  const problems: string[] = [];
  if (a.enabled && !shiftsTraffic(c.service.deploymentStrategy)) {
    problems.push(
      `service.imageAdmission.enabled: received true with service.deploymentStrategy "${c.service.deploymentStrategy}"; expected service.deploymentStrategy ` +
        '"blue-green", "canary" or "linear" (the admission hook runs at the PRE_SCALE_UP lifecycle stage of those deployments), or enabled false',
    );
  }
  const options = { requireSignature: a.requireSignature, blockSeverities: blockSeverities.length > 0, acceptedFindings: acceptedFindings.length > 0 };
  for (const [name, set] of Object.entries(options)) {
    if (set && !a.enabled) {
      problems.push(
        `service.imageAdmission.${name}: received ${JSON.stringify(a[name as keyof typeof a])} with service.imageAdmission.enabled false; expected enabled true, or ${name} unset`,
      );
    }
  }
  if (acceptedFindings.length > 0 && blockSeverities.length === 0) {
    problems.push(
      `service.imageAdmission.acceptedFindings: received ${JSON.stringify(acceptedFindings)} with no service.imageAdmission.blockSeverities; ` +
        'expected blockSeverities such as ["CRITICAL"] (findings are read only when a severity is blocked), or acceptedFindings unset',
    );
  }
  return problems;
}

/**
 * Settings that are accepted but would make every deployment fail unless something outside this
 * configuration provides what they check: a signature required while `account.imageSigning` is off
 * (another signing configuration of the registry may sign the images, so this warns, not refuses).
 */
export function imageAdmissionWarnings(c: AppConfig): string[] {
  const a = c.service.imageAdmission;
  if (a.enabled && a.requireSignature && !c.account.imageSigning) {
    return [
      'secure-ecs: warning: service.imageAdmission.requireSignature is true while account.imageSigning is false: ' +
        'unless the registry signs the assets repository some other way, every deployment will be refused as unsigned ' +
        '(turn account.imageSigning on and deploy the account stack first, README "Image admission")',
    ];
  }
  return [];
}
