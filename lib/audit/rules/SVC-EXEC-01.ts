import { resourceRule } from './_kit';

/** Our addition: ECS Exec is a shell into production containers (and needs a writable root). */
export default resourceRule(
  {
    id: 'SVC-EXEC-01',
    severity: 'medium',
    title: 'ECS Exec enabled',
    sources: ['our addition', 'related: checkov CKV_AWS_223/224 (Terraform)', 'CIS Docker 5.23/5.24'],
    fix: 'Set enableExecuteCommand to false; turn it on only for a debugging session, with logged and KMS-encrypted sessions.',
    inputs: ['template', 'live'],
  },
  (m) => m.services,
  (s) => (s.enableExecuteCommand === true ? 'enableExecuteCommand is true: anyone with ecs:ExecuteCommand gets a shell in the containers' : undefined),
);
