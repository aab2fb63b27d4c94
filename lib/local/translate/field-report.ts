/**
 * The start-up list of `up`: what of the task definition is honoured locally, how, and what is not.
 * The translator reports each field (translate-*.ts); the engine then corrects what it honours
 * differently (its fieldNotes), so nothing is listed as honoured that the engine does not do.
 */
import type { FieldReport } from '../spec';

/** The translator's reports with the engine's notes applied: a note replaces the report of its path. Pure. */
export function applyEngineNotes(fields: FieldReport[], notes: FieldReport[]): FieldReport[] {
  const byPath = new Map(notes.map((n) => [n.path, n]));
  const out = fields.map((f) => byPath.get(f.path) ?? f);
  const known = new Set(fields.map((f) => f.path));
  return [...out, ...notes.filter((n) => !known.has(n.path))];
}

/** Honoured fields in one line per container, then every deviation and every field not honoured. Pure. */
export function fieldReportLines(fields: FieldReport[], engine: string): string[] {
  const lines: string[] = [];
  const owners = [...new Set(fields.map((f) => f.path.split('.')[0]))];
  lines.push(`Honoured (${engine} or the runner):`);
  for (const owner of owners) {
    const names = fields.filter((f) => f.outcome === 'honoured' && f.path.split('.')[0] === owner).map((f) => f.path.slice(owner.length + 1));
    if (names.length) lines.push(`  ${owner}: ${names.join(', ')}`);
  }
  const deviations = fields.filter((f) => f.outcome === 'deviation');
  if (deviations.length) {
    lines.push('Honoured differently locally:');
    for (const f of deviations) lines.push(`  ${f.path}: ${f.detail}`);
  }
  lines.push('  task: an essential container that turns UNHEALTHY while running is reported; the ECS service would replace the task, the runner keeps it');
  const not = fields.filter((f) => f.outcome === 'not-honoured');
  if (not.length) {
    lines.push('Not honoured locally (what happens instead):');
    for (const f of not) lines.push(`  ${f.path}: ${f.detail}`);
  }
  return lines;
}
