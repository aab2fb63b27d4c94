/**
 * The report renderers with large and hostile findings, in process: the table is linear in its rows
 * and prints what one cli-table3 table prints (D7, D15); URL credentials are redacted (D4); control
 * characters are escaped (D16); the AWS access-key shape is detect-secrets' (issue 19).
 */
import Table from 'cli-table3';
import type { AuditResult, Finding } from '../../lib/audit/engine';
import { renderTable, ROWS_PER_BLOCK } from '../../lib/audit/report/table';
import { secretShape } from '../../lib/audit/sources/secret-shapes';
import { escapeControl, redactUrls } from '../../lib/audit/untrusted-text';

function result(n: number): AuditResult {
  const findings = Array.from(
    { length: n },
    (_, i): Finding =>
      ({
        ruleId: 'TD-PRIV-01',
        severity: 'high',
        title: 't',
        resource: `web/${i}`,
        container: `c${i}`,
        message: `privileged: true ${'word '.repeat(i % 40)}`,
        fix: 'f',
      }) as Finding,
  );
  const bySeverity = { critical: 0, high: n, medium: 0, low: 0, info: 0 };
  return {
    findings,
    rules: [],
    summary: {
      unacknowledged: n,
      acknowledged: 0,
      bySeverity,
      acknowledgedBySeverity: bySeverity,
      rules: { evaluated: 1, compliant: 0, nonCompliant: 1, notApplicable: 0 },
      failOn: 'high',
      failed: true,
      unusedAcknowledgements: [],
    },
  } as unknown as AuditResult;
}

const seconds = (f: () => void) => {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e9;
};

describe('the table (D7, D15)', () => {
  test('prints exactly what one cli-table3 table prints', () => {
    const r = result(333);
    const one = new Table({
      head: ['Severity', 'Rule', 'Container', 'Resource', 'Finding'],
      colWidths: [10, 14, 14, 40, 76], // renderTable's columns at width 160
      wordWrap: true,
      wrapOnWordBoundary: true,
      style: { head: [], border: [] },
    });
    for (const f of r.findings) one.push([f.severity, f.ruleId, f.container ?? '', f.resource, f.message]);
    expect(renderTable(r, { width: 160 }).split('\n').slice(0, -2).join('\n')).toBe(one.toString());
  });

  test('cli-table3 lays out at most ROWS_PER_BLOCK rows at a time, so the time is linear in the rows', () => {
    // Timing ratios drift on a shared machine; the block size is what bounds the cost. Measured with
    // tsx on this machine: 1k/8k rows took 0.26/5.7 s in one table, 0.39/2.0 s in blocks.
    const sizes: number[] = [];
    const toString = jest.spyOn(Table.prototype, 'toString').mockImplementation(function (this: unknown[]) {
      sizes.push(this.length);
      return '┌┐\n└┘'; // a drawn table's shape: top and bottom border
    });
    try {
      renderTable(result(8000));
    } finally {
      toString.mockRestore();
    }
    expect(sizes).toHaveLength(8000 / ROWS_PER_BLOCK);
    expect(Math.max(...sizes)).toBe(ROWS_PER_BLOCK);
  });

  test('4,000 rows render within a time bound', () => {
    expect(seconds(() => renderTable(result(4000)))).toBeLessThan(30);
  }, 60_000);
});

describe('redaction (D4)', () => {
  test.each([
    ['ADD https://deploy:hunter2@artifacts.example.com/app.tgz /app/', 'ADD https://***@artifacts.example.com/app.tgz /app/'],
    ['https://ghp_token@raw.githubusercontent.com/x', 'https://***@raw.githubusercontent.com/x'],
    ['https://u:p@ss@host/x', 'https://***@host/x'],
    ['https://h/x?X-Amz-Signature=abc&X-Amz-Credential=AKIA/x&v=1', 'https://h/x?X-Amz-Signature=***&X-Amz-Credential=***&v=1'],
    ['https://h/x?access_token=abc#frag', 'https://h/x?access_token=***#frag'],
    ['https://h/x?page=2', 'https://h/x?page=2'],
  ])('%s', (text, shown) => {
    expect(redactUrls(text)).toBe(shown);
  });
});

describe('control characters (D16)', () => {
  test('C0, C1, DEL and bidi overrides are escaped; tab kept; newline kept only on request', () => {
    expect(escapeControl('a\u001b[2J\r\u0007\u009b\u007f\u202e\tb\nc')).toBe('a\\x1b[2J\\x0d\\x07\\x9b\\x7f\\u202e\tb\\x0ac');
    expect(escapeControl('a\nb', { keepNewlines: true })).toBe('a\nb');
  });
});

describe("the AWS access-key shape is detect-secrets' AWSKeyDetector", () => {
  test.each([
    'AKIA2E0A8F3B244C9986',
    'ASIAY34FZKBOKMUTVV7A',
    'A3T1ABCDEFGHIJ012345',
    'ABIA0123456789ABCDEF',
    'ACCA9999999999999999',
    'prefixAKIA2E0A8F3B244C9986suffix',
  ])('%s', (value) => {
    expect(secretShape(value)).toBe('an AWS access key id');
  });
  test.each(['AKIA2E0A8F3B244C998', 'akia2e0a8f3b244c9986', 'AGPA2E0A8F3B244C9986'])('not %s', (value) => {
    expect(secretShape(value)).not.toBe('an AWS access key id');
  });
});
