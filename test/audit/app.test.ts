/**
 * The app checks itself: its synthesized assembly has no unacknowledged finding at medium or above,
 * every acknowledgement is used and says why, and loosening a setting fails `cdk synth` through the
 * validation plugin with the rule id and the fix.
 */
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { loadAcknowledgements } from '../../lib/audit/acknowledgements';
import { type AuditResult, runAudit } from '../../lib/audit/engine';
import { severityRank } from '../../lib/audit/model';
import { loadCloudFormation } from '../../lib/audit/sources/cloudformation';
import { REPOSITORY_ACKNOWLEDGEMENTS } from '../../lib/audit/synth-plugin';
import { synth } from '../helpers/synth';

let result: AuditResult;
beforeAll(() => {
  const { app } = synth();
  const assembly = app.synth({ force: true });
  result = runAudit(loadCloudFormation(assembly.directory), { acknowledgements: loadAcknowledgements(REPOSITORY_ACKNOWLEDGEMENTS), failOn: 'medium' });
});

test('the app has zero unacknowledged findings at medium or above', () => {
  const open = result.findings.filter((f) => !f.acknowledged && severityRank(f.severity) >= severityRank('medium'));
  expect(open.map((f) => `${f.ruleId} ${f.resource}: ${f.message}`)).toEqual([]);
  expect(result.summary.failed).toBe(false);
});

test('the audit covers the task, service, cluster, capacity, hosts and both Dockerfiles', () => {
  const evaluated = Object.entries(result.compliance).filter(([, c]) => c !== 'not-applicable').map(([id]) => id);
  for (const id of ['TD-PRIV-01', 'TD-USER-01', 'SVC-NET-01', 'CL-CI-01', 'CP-TERM-01', 'AG-PRIV-01', 'AG-IMDS-01', 'HD-AUD-01', 'EC2-IMDS-01', 'DF-USER-01']) {
    expect(evaluated).toContain(id);
  }
});

test('acknowledged findings are reported, with their reason, and every acknowledgement is used', () => {
  const acknowledged = result.findings.filter((f) => f.acknowledged);
  expect(acknowledged.map((f) => f.ruleId).sort()).toEqual(['CP-TERM-01', 'EC2-SG-01', 'ELB-TLS-01', 'IAM-WC-01', 'IAM-WC-01', 'IAM-WC-01']);
  for (const f of acknowledged) expect(f.reason!.length).toBeGreaterThan(40);
  expect(result.summary.unusedAcknowledgements).toEqual([]);
});

test('with a certificate the HTTP-only acknowledgement is no longer needed (HTTPS with TLS 1.2+, HTTP redirects)', () => {
  const { app } = synth({ edge: { certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc' } });
  const withTls = runAudit(loadCloudFormation(app.synth({ force: true }).directory), { acknowledgements: loadAcknowledgements(REPOSITORY_ACKNOWLEDGEMENTS) });
  expect(withTls.findings.filter((f) => f.ruleId === 'ELB-TLS-01')).toEqual([]);
  expect(withTls.summary.unusedAcknowledgements.map((a) => a.ruleId)).toEqual(['ELB-TLS-01']);
});

describe('the synth-time plugin', () => {
  test('ECS Exec turned on fails synth with the rule id and the fix', () => {
    const { app, stack } = synth();
    (stack.web.service.node.defaultChild as ecs.CfnService).enableExecuteCommand = true;
    expect(() => app.synth({ force: true })).toThrow(/SVC-EXEC-01[\s\S]*Set enableExecuteCommand to false/);
  });

  test('a writable root filesystem fails synth', () => {
    const { app, stack } = synth();
    (stack.task.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).addPropertyOverride('ContainerDefinitions.0.ReadonlyRootFilesystem', false);
    expect(() => app.synth({ force: true })).toThrow(/TD-ROFS-01/);
  });
});
