import { resourceRule } from './_kit';

/**
 * Our addition: ECS Exec is a shell into production containers. Medium, the severity of a
 * break-glass: a deliberate, temporary exception that every audit reports while it is on, which an
 * app acknowledges where it turns it on (this one: ecsExec.enabled, lib/constructs/break-glass-exec.ts),
 * and which never blocks the deploy that turns it on for an incident (deploy-environment.yml fails
 * the live audit on high). Prancer rates the same check High; the cluster's session logging and key
 * are CL-EXEC-01's.
 */
export default resourceRule(
  {
    id: 'SVC-EXEC-01',
    severity: 'medium',
    title: 'ECS Exec enabled',
    sources: [
      'our addition',
      'Prancer PR-AWS-CLD-ECS-009',
      'related: checkov CKV_AWS_223/224 (Terraform, the cluster side: CL-EXEC-01)',
      'ECS developer guide, ECS Exec considerations',
      'CIS Docker 5.23/5.24',
    ],
    fix: 'Set enableExecuteCommand to false; turn it on only for an incident (this app: ecsExec.enabled), with sessions KMS-encrypted and logged (CL-EXEC-01).',
    inputs: ['template', 'live'],
  },
  (m) => m.services,
  (s) => (s.enableExecuteCommand === true ? 'enableExecuteCommand is true: anyone with ecs:ExecuteCommand gets a shell in the containers' : undefined),
);
