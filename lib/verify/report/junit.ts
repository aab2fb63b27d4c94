/**
 * JUnit XML, the format CI systems show as test results (GitHub's test reporters, GitLab's
 * `artifacts:reports:junit`): one testsuite, one testcase per probe, a <failure> per failed probe and
 * <skipped> for probes that do not apply. The schema's common subset (testsuites/testsuite/testcase,
 * as in https://github.com/testmoapp/junitxml).
 */
import { escapeControl } from '../../audit/untrusted-text';
import type { VerifyReport } from '../run-verify';

/** Text for an XML attribute or element: control characters shown as escapes (XML 1.0 cannot carry most), markup escaped. */
function xml(text: string): string {
  return escapeControl(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function renderJunit(report: VerifyReport): string {
  const failures = report.verdicts.filter((v) => v.outcome === 'fails').length;
  const skipped = report.verdicts.filter((v) => v.outcome === 'not-applicable').length;
  const cases = report.verdicts.map((v) => {
    const open = `    <testcase classname="secure-ecs.verify" name="${xml(`${v.id}: ${v.title}`)}" time="${seconds(v.ms)}"`;
    if (v.outcome === 'holds') return `${open}>\n      <system-out>${xml(v.detail)}</system-out>\n    </testcase>`;
    if (v.outcome === 'not-applicable') return `${open}>\n      <skipped message="${xml(v.detail)}"/>\n    </testcase>`;
    return `${open}>\n      <failure message="${xml(v.detail)}" type="${xml(v.id)}">${xml(v.detail)}</failure>\n    </testcase>`;
  });
  const counts = `tests="${report.verdicts.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(report.ms)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="secure-ecs verify" ${counts}>`,
    `  <testsuite name="${xml(`secure-ecs verify ${report.url}`)}" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
