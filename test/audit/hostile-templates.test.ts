/**
 * Templates written to break the audit (hostile-input findings D3, D7 and D12,
 * ../shared/reference/hostile-input-findings.md): logical ids that are regular expressions, nesting
 * deeper than any real template, and intrinsics around whole container fields. Each ends in a
 * verdict or a one-line input error, never a hang, a stack overflow or a false finding.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { modelFromTemplate } from '../../lib/audit/sources/cloudformation';
import { buildCli, runCli } from './helpers/cli';

const scratch = mkdtempSync(path.join(tmpdir(), 'hostile-templates-'));

/** A template whose logical id is `id`, and a later line that starts with `"` and a run of x: the backtracking bait. */
function regexIdTemplate(id: string, xs: number): string {
  return `{"Resources":{${JSON.stringify(id)}:{"Type":"AWS::EC2::VPC"}},\n"${'x'.repeat(xs)}":1}\n`;
}

describe('D3: logical ids are text, never regular expressions', () => {
  test('a logical id (x+x+)+y does not backtrack: 26 x took seconds while the id was a regex, now well under one', () => {
    const text = regexIdTemplate('(x+x+)+y', 26);
    const started = Date.now();
    const model = modelFromTemplate({ stack: 'S', file: 't.json', template: JSON.parse(text), text });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(model).toBeDefined();
  });

  test.each(['A(', 'A[', 'a.b', 'A\\d', '$^'])('logical id %j: no crash, and the resource keeps its line', (id) => {
    const text = `{\n "Resources": {\n  ${JSON.stringify(id)}: {\n   "Type": "AWS::EC2::VPC"\n  }\n }\n}\n`;
    const model = modelFromTemplate({ stack: 'S', file: 't.json', template: JSON.parse(text), text });
    expect(model.vpcs.map((v) => [v.id, v.origin.line])).toEqual([[`S/${id}`, 3]]);
  });

  test('the CLI audits a 98-byte template with that id and 40 x, instead of hanging as on the 138-byte template of the findings', async () => {
    const file = path.join(scratch, 'redos.template.json');
    writeFileSync(file, regexIdTemplate('(x+x+)+y', 40));
    // runCli kills the child after 30 s: before the fix that was the outcome, exit 1.
    const r = await runCli(buildCli(), ['audit', '--template', file, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; resource: string }) => [f.ruleId, f.resource])).toEqual([['VPC-FLOW-01', 'redos/(x+x+)+y']]);
  }, 60_000);
});
