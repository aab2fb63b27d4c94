/**
 * `--task-definition-file`: every violating fixture is flagged with exactly the expected rule ids,
 * and the compliant one has nothing at medium or above. Both JSON shapes are read:
 * describe-task-definition output and a bare register-task-definition input.
 */
import * as path from 'node:path';
import { runAudit } from '../../lib/audit/engine';
import { severityRank } from '../../lib/audit/model';
import { RULES } from '../../lib/audit/rules';
import { loadTaskDefinitionFile } from '../../lib/audit/sources/task-definition-file';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);
const ids = (file: string) => [...new Set(runAudit(loadTaskDefinitionFile(fixture(file))).findings.map((f) => f.ruleId))].sort();

const VIOLATING: Record<string, string[]> = {
  'td-privileged-root.register.json': ['TD-PRIV-01', 'TD-ROFS-01', 'TD-USER-01'],
  'td-host-namespaces.describe.json': ['TD-IPC-01', 'TD-MNT-02', 'TD-NET-01', 'TD-PID-01'],
  'td-plaintext-secrets.describe.json': ['TD-ENV-01', 'TD-SEC-01', 'TD-SEC-02'],
  'td-capabilities.describe.json': ['TD-CAP-01', 'TD-CAP-02', 'TD-CAP-03', 'TD-DEV-01', 'TD-NNP-01', 'TD-SECOPT-01'],
  'td-mounts-logging-image.describe.json': [
    'TD-EFS-01',
    'TD-IMG-01',
    'TD-IMG-02',
    'TD-LOG-01',
    'TD-MNT-01',
    'TD-MNT-03',
    'TD-PORT-01',
    'TD-PORT-02',
    'TD-ROLE-01',
  ],
  'td-limits.describe.json': [
    'TD-CPU-01',
    'TD-HC-01',
    'TD-LOG-02',
    'TD-LOG-03',
    'TD-MEM-01',
    'TD-NET-02',
    'TD-SYSCTL-01',
    'TD-TMPFS-01',
    'TD-TTY-01',
    'TD-ULIM-01',
    'TD-USER-02',
  ],
};

test.each(Object.entries(VIOLATING))('%s is flagged with the expected rule ids', (file, expected) => {
  expect(ids(file)).toEqual(expected);
});

test('the compliant fixture has no finding at medium or above (and none at all)', () => {
  const { findings } = runAudit(loadTaskDefinitionFile(fixture('td-compliant.describe.json')));
  expect(findings.filter((f) => severityRank(f.severity) >= severityRank('medium'))).toEqual([]);
  expect(findings).toEqual([]);
});

test('findings name the task definition by ARN (describe output) or family:revision (register input)', () => {
  expect(runAudit(loadTaskDefinitionFile(fixture('td-host-namespaces.describe.json'))).findings[0].resource).toBe(
    'arn:aws:ecs:eu-west-1:111122223333:task-definition/agent:3',
  );
  expect(runAudit(loadTaskDefinitionFile(fixture('td-privileged-root.register.json'))).findings[0]).toMatchObject({ resource: 'web', container: 'app' });
});

test('every TD rule is exercised by at least one fixture', () => {
  const covered = new Set(Object.values(VIOLATING).flat());
  expect(RULES.map((r) => r.id).filter((id) => id.startsWith('TD-') && !covered.has(id))).toEqual([]);
});
