/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) as GitHub code
 * scanning reads it (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * one run, every rule in tool.driver.rules with a `security-severity` so alerts get GitHub's
 * severity levels, a location per result, stable `partialFingerprints`, and acknowledged findings
 * as accepted external suppressions (they stay in the log, as everywhere else).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import type { AuditResult, Finding } from '../engine';
import type { Severity } from '../model';
import { AUDIT_VERSION } from '../version';
import { escapeControlInJson } from '../untrusted-text';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub maps > 9.0 to critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. Info gets none. */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: undefined };

export interface SarifOptions {
  /** Paths are written relative to this directory (the repository root in CI). @default process.cwd() */
  readonly baseDir?: string;
}

function artifactUri(file: string, baseDir: string): { uri: string; uriBaseId?: string } {
  const absolute = path.resolve(file);
  const relative = path.relative(baseDir, absolute);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return { uri: relative.split(path.sep).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(absolute).href };
}

function location(f: Finding, baseDir: string): Location {
  const logicalLocations = [{ fullyQualifiedName: f.container ? `${f.resource}/${f.container}` : f.resource, kind: 'resource' }];
  if (f.origin?.file) {
    return {
      physicalLocation: { artifactLocation: artifactUri(f.origin.file, baseDir), ...(f.line ? { region: { startLine: f.line } } : {}) },
      logicalLocations,
    };
  }
  // Live resources have no file: the ARN is the artifact (a valid URI reference).
  return { physicalLocation: { artifactLocation: { uri: f.origin?.arn ?? f.resource } }, logicalLocations };
}

export function sarifLog(result: AuditResult, options: SarifOptions = {}): Log {
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const rules: ReportingDescriptor[] = result.rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/-/g, ''),
    shortDescription: { text: r.title },
    fullDescription: { text: `${r.title}. Sources: ${r.sources.join('; ')}.` },
    help: { text: r.fix, markdown: `**Fix:** ${r.fix}\n\nSources: ${r.sources.join('; ')}` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ['security', 'ecs'], ...(SECURITY_SEVERITY[r.severity] ? { 'security-severity': SECURITY_SEVERITY[r.severity] } : {}) },
  }));
  const index = new Map(result.rules.map((r, i) => [r.id, i]));
  const results: Result[] = result.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.container ? `${f.message} (container ${f.container} of ${f.resource})` : `${f.message} (${f.resource})` },
    locations: [location(f, baseDir)],
    // Stable across runs and line moves, so GitHub tracks one alert per finding.
    partialFingerprints: {
      secureEcsFinding: createHash('sha256')
        .update([f.ruleId, f.resource, f.container ?? '', f.message].join('\0'))
        .digest('hex')
        .slice(0, 32),
    },
    ...(f.acknowledged ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: f.reason }] } : {}),
    properties: { severity: f.severity },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'secure-ecs-audit', version: AUDIT_VERSION, semanticVersion: AUDIT_VERSION, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(baseDir + path.sep).href } },
        results,
      },
    ],
  };
}

export function renderSarif(result: AuditResult, options: SarifOptions = {}): string {
  // Input's DEL, C1 and bidi characters as \u escapes too: the log is also read with cat (D16).
  return `${escapeControlInJson(JSON.stringify(sarifLog(result, options), null, 2))}\n`;
}
