/**
 * The app checks itself: its synthesized assembly has no unacknowledged finding at medium or above,
 * every acknowledgement (written on the constructs, read back from the assembly) is used and says
 * why, and loosening a setting fails `cdk synth` through the validation plugin with the rule id and
 * the fix.
 */
import { Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { acknowledgementsFromAssembly } from '../../lib/audit/assembly-acknowledgements';
import { type AuditResult, runAudit } from '../../lib/audit/engine';
import { severityRank } from '../../lib/audit/model';
import { loadCloudFormation } from '../../lib/audit/sources/cloudformation';
import { define, synth, type Synthesized } from '../helpers/synth';

/** Audit an app's assembly with the acknowledgements its constructs carry. */
function auditApp({ assembly }: Synthesized): AuditResult {
  const dir = assembly.directory;
  return runAudit(loadCloudFormation(dir), { acknowledgements: acknowledgementsFromAssembly(dir), failOn: 'medium' });
}

let result: AuditResult;
beforeAll(() => {
  result = auditApp(synth({}, { pathMetadata: true }));
});

test('the app has zero unacknowledged findings at medium or above', () => {
  const open = result.findings.filter((f) => !f.acknowledged && severityRank(f.severity) >= severityRank('medium'));
  expect(open.map((f) => `${f.ruleId} ${f.resource}: ${f.message}`)).toEqual([]);
  expect(result.summary.failed).toBe(false);
});

test('the audit covers the task, service, cluster, capacity, hosts and both Dockerfiles', () => {
  const evaluated = Object.entries(result.compliance)
    .filter(([, c]) => c !== 'not-applicable')
    .map(([id]) => id);
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

test('with a certificate the HTTP-only finding and its acknowledgement are gone (HTTPS with TLS 1.2+, HTTP redirects)', () => {
  const withTls = auditApp(synth({ edge: { certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc' } }, { pathMetadata: true }));
  expect(withTls.findings.filter((f) => f.ruleId === 'ELB-TLS-01')).toEqual([]);
  expect(withTls.summary.failed).toBe(false);
  expect(withTls.summary.unusedAcknowledgements).toEqual([]);
});

test('app.fastcgiTransport unix (the default): the task-scoped tmpfs volume adds no finding but the app environment (TD-ENV-01, info); the volume rules pass', () => {
  // The default template (result) against the same app over TCP (no volume, no app environment).
  const unix = result;
  const tcp = auditApp(synth({ app: { fastcgiTransport: 'tcp' } }, { pathMetadata: true }));
  const key = (f: AuditResult['findings'][number]) => `${f.ruleId} ${f.message}`;
  const added = unix.findings.filter((f) => !tcp.findings.some((d) => key(d) === key(f)));
  expect(added.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
    ['TD-ENV-01', 'info', '2 plaintext environment variable(s): APP_FASTCGI_SOCKET, APP_FASTCGI_BACKLOG (values not shown)'],
  ]);
  // The rules that read task volumes saw it (a Docker volume is neither a host path nor EFS) and pass.
  for (const id of ['TD-MNT-01', 'TD-MNT-02', 'TD-MNT-03', 'TD-EFS-01']) expect([id, unix.compliance[id]]).toEqual([id, tcp.compliance[id]]);
  expect(unix.summary.failed).toBe(false);
});

describe('the synth-time plugin', () => {
  test("honours CDK's acknowledgements: each exception is written once, on its construct", () => {
    // GIVEN the app, whose constructs acknowledge CP-TERM-01 and the rest (no JSON list involved)
    // WHEN it synthesizes THEN nothing fails, and the report lists the acknowledged findings
    const { assembly } = synth();
    const report = JSON.parse(require('node:fs').readFileSync(require('node:path').join(assembly.directory, 'validation-report.json'), 'utf8'));
    const audit = report.pluginReports.find((r: any) => r.pluginName === 'secure-ecs-audit');
    expect(JSON.stringify(audit)).toContain('CP-TERM-01');
  });

  test('an exception without its acknowledgement fails synth, naming how to acknowledge it', () => {
    // GIVEN a new capacity-provider-like finding: the same app, with CP-TERM-01's acknowledgement removed
    const { app, stack } = define();
    const node = stack.capacity.capacityProvider.node as any;
    node._metadata = node._metadata.filter((m: any) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    // THEN
    expect(() => app.synth()).toThrow(/CP-TERM-01[\s\S]*secure-ecs-audit::CP-TERM-01/);
  });

  test('ECS Exec turned on fails synth with the rule id and the fix', () => {
    const { app, stack } = define();
    (stack.web.service.node.defaultChild as ecs.CfnService).enableExecuteCommand = true;
    expect(() => app.synth()).toThrow(/SVC-EXEC-01[\s\S]*Set enableExecuteCommand to false/);
  });

  test('a writable root filesystem fails synth', () => {
    const { app, stack } = define();
    (stack.task.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).addPropertyOverride('ContainerDefinitions.0.ReadonlyRootFilesystem', false);
    expect(() => app.synth()).toThrow(/TD-ROFS-01/);
  });
});
