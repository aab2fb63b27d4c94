/**
 * Report formats: the JSON contract, SARIF validated against the SARIF 2.1.0 schema with a real
 * validator (ajv, offline), markdown for pull requests, the table, and environment values never
 * printed in any of them.
 */
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Acknowledgement } from '../../lib/audit/acknowledgements';
import { runAudit } from '../../lib/audit/engine';
import { mergeModels } from '../../lib/audit/model';
import { jsonReport, renderJson } from '../../lib/audit/report/json';
import { renderMarkdown } from '../../lib/audit/report/markdown';
import { renderSarif, sarifLog } from '../../lib/audit/report/sarif';
import { renderTable } from '../../lib/audit/report/table';
import { loadDockerfile } from '../../lib/audit/sources/dockerfile';
import { loadTaskDefinitionFile } from '../../lib/audit/sources/task-definition-file';
import { apiModel } from './helpers/models';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);
const ACKS: Acknowledgement[] = [
  { ruleId: 'TD-ENV-01', resource: 'arn:aws:ecs:*:*:task-definition/web:*', container: 'app', reason: 'LOG_LEVEL is a setting, not a secret; reviewed.' },
];
const result = runAudit(
  mergeModels(
    loadTaskDefinitionFile(fixture('td-plaintext-secrets.describe.json')),
    loadTaskDefinitionFile(fixture('td-mounts-logging-image.describe.json')),
    loadDockerfile(fixture('Dockerfile.hardened')),
    apiModel({ services: [{ serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/web/api', enableExecuteCommand: true }] }),
  ),
  { acknowledgements: ACKS },
);

describe('JSON', () => {
  const report = jsonReport(result);

  test('findings have exactly the documented keys', () => {
    const allowed = ['ruleId', 'severity', 'title', 'resource', 'container', 'message', 'acknowledged', 'reason'];
    for (const f of report.findings) {
      expect(Object.keys(f).every((k) => allowed.includes(k))).toBe(true);
      expect(f.severity).toMatch(/^(critical|high|medium|low|info)$/);
    }
  });

  test('acknowledged findings stay, marked, with their reason', () => {
    expect(report.findings.filter((f) => f.acknowledged)).toEqual([
      expect.objectContaining({ ruleId: 'TD-ENV-01', container: 'app', acknowledged: true, reason: ACKS[0].reason }),
    ]);
  });

  test('summary counts and the failing verdict', () => {
    expect(report.summary).toMatchObject({
      total: report.findings.length,
      acknowledged: 1,
      unacknowledged: report.findings.length - 1,
      failOn: 'high',
      failed: true,
    });
    expect(report.summary.bySeverity.critical).toBe(2);
    expect(report.rules['TD-SEC-01'].fix).toMatch(/task role/);
  });

  test('round-trips through JSON text', () => {
    expect(JSON.parse(renderJson(result))).toEqual(report);
  });
});

describe('SARIF', () => {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(require('./schemas/sarif-2.1.0-rtm.5.json'));

  test('is valid SARIF 2.1.0', () => {
    const log = JSON.parse(renderSarif(result, { baseDir: path.join(__dirname, '..', '..') }));
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('has what GitHub code scanning reads: rules with security-severity, a location and fingerprint per result', () => {
    const log = sarifLog(result, { baseDir: path.join(__dirname, '..', '..') });
    const run = log.runs[0];
    expect(run.tool.driver.rules!.find((r) => r.id === 'TD-PRIV-01')!.properties!['security-severity']).toBe('9.5');
    expect(run.results!.length).toBe(result.findings.length);
    for (const r of run.results!) {
      expect(r.locations![0].physicalLocation!.artifactLocation!.uri).toBeTruthy();
      expect(r.partialFingerprints!.secureEcsFinding).toMatch(/^[0-9a-f]{32}$/);
    }
    const fileResult = run.results!.find((r) => r.ruleId === 'TD-SEC-01')!;
    expect(fileResult.locations![0].physicalLocation!.artifactLocation).toEqual({
      uri: 'test/audit/fixtures/td-plaintext-secrets.describe.json',
      uriBaseId: '%SRCROOT%',
    });
    expect(run.results!.find((r) => r.ruleId === 'TD-ENV-01')!.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: ACKS[0].reason }]);
  });

  test('the validator rejects a broken log (it is really validating)', () => {
    const log = sarifLog(result) as any;
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
  });
});

describe('markdown and table', () => {
  test('markdown: verdict, counts, open findings with fixes, acknowledged folded away', () => {
    const md = renderMarkdown(result);
    expect(md).toMatch(/^## secure-ecs audit: ❌ failed/);
    expect(md).toContain('| open | 2 |');
    expect(md).toMatch(/\| critical \| TD-SEC-01 \| `arn:aws:ecs:eu-west-1:111122223333:task-definition\/web:7` \| `app` \|/);
    expect(md).toMatch(/<details><summary>1 acknowledged finding\(s\)<\/summary>[\s\S]*TD-ENV-01[\s\S]*<\/details>/);
  });

  test('table: one row per finding and the summary line', () => {
    const table = renderTable(result, { width: 200 });
    for (const id of ['TD-SEC-01', 'TD-MNT-01', 'SVC-EXEC-01']) expect(table).toContain(id);
    expect(table).toContain('[acknowledged]');
    expect(table.trimEnd().split('\n').pop()).toMatch(/fails at high or above: FAIL$/);
  });
});

test('environment values are never printed, in any format', () => {
  const outputs = [renderJson(result), renderSarif(result), renderMarkdown(result), renderTable(result)];
  for (const out of outputs) {
    expect(out).not.toContain('SUPERSECRET');
    expect(out).toContain('AWS_SECRET_ACCESS_KEY');
  }
});
