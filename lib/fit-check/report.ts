/**
 * The fit check's report, as text for a terminal and as JSON. Everything that came from the image
 * (paths, log lines, its USER) is escaped first: control characters become visible `\xNN`
 * escapes, so a hostile image cannot restyle the terminal or forge report lines.
 */
import { escapeControl } from '../audit/untrusted-text';
import { writableText, type FitReport } from './findings';
import type { ProbeResult } from './http-probe';

const probeText = (p: ProbeResult) =>
  `GET ${escapeControl(p.path)} -> ${p.status !== undefined ? `${p.status} (${p.bytes} bytes, ${p.ms} ms)` : escapeControl(p.error ?? 'no answer')}`;

/** The report with every string from the image escaped. */
function escaped(r: FitReport): FitReport {
  const e = (s: string) => escapeControl(s);
  return {
    ...r,
    user: e(r.user),
    probes: r.probes.map((p) => ({ ...p, path: e(p.path), error: p.error && e(p.error) })),
    writablePaths: r.writablePaths.map((d) => ({ ...d, path: e(d.path), examples: d.examples.map(e) })),
    settingsSnippet: r.settingsSnippet && {
      app: { writablePaths: r.settingsSnippet.app.writablePaths.map((w) => ({ ...w, path: e(w.path) })) },
    },
    confirmation: r.confirmation && {
      ...r.confirmation,
      declared: r.confirmation.declared.map(e),
      probes: r.confirmation.probes.map((p) => ({ ...p, path: e(p.path), error: p.error && e(p.error) })),
    },
    findings: r.findings.map((f) => ({ ...f, evidence: f.evidence.map(e) })),
  };
}

export function renderJson(report: FitReport): string {
  return `${JSON.stringify(escaped(report), null, 2)}\n`;
}

export function renderText(report: FitReport): string {
  const r = escaped(report);
  const out: string[] = [];
  out.push(`fit check of ${escapeControl(r.image)} on ${r.engine}`);
  out.push(`  user: ${r.user === '' ? '(none: root)' : r.user}    port: ${r.port}`);
  for (const p of r.probes) out.push(`  ${probeText(p)}`);
  out.push('');
  if (r.fits) {
    out.push(
      'FITS: it ran under the hardening (no capabilities, no-new-privileges, non-root, the limits), wrote nothing outside /tmp, and answered the same with the read-only root.',
    );
  } else {
    out.push(`NEEDS CHANGES: ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}`);
    r.findings.forEach((f, i) => {
      out.push('', `${i + 1}. ${f.title}`);
      for (const ev of f.evidence) out.push(`     ${ev}`);
      out.push(`   fix: ${f.fix}`);
    });
  }
  if (r.settingsSnippet) {
    out.push('', 'app.writablePaths to declare (in a settings file for `cdk synth -c configFile=FILE`, or under "secure-ecs" in cdk.json):');
    out.push(JSON.stringify(r.settingsSnippet, null, 2));
  }
  if (r.confirmation) {
    out.push('');
    if (r.confirmation.sameAnswers) {
      out.push(`Confirmed: with a read-only root and only ${writableText(r.confirmation.declared)} writable, it answered as before:`);
    } else {
      out.push(`Not confirmed: with a read-only root and only ${writableText(r.confirmation.declared)} writable, it answered:`);
    }
    for (const p of r.confirmation.probes) out.push(`  ${probeText(p)}`);
  }
  return `${out.join('\n')}\n`;
}
