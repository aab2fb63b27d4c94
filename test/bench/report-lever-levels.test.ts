/**
 * The full run measures the lever variants at 50% only (bench/config.ts `leverFractions`): the report
 * then says "not measured" for their other levels, leaves them out of the per-level table, plots
 * them as a dot, and never prints NaN; the completeness check expects exactly those levels.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { missingNumbers } from '../../bench/assert-numbers';
import { ALL_LEVEL_VARIANTS, fractionsFor, QUICK_CONFIG } from '../../bench/config';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';

const full = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'results-full.json'), 'utf8')) as Results;
const latency = { ...QUICK_CONFIG.latency, rounds: full.latency.rounds, fractions: full.latency.fractions, leverFractions: [0.5] };
const trimmed: Results = {
  ...full,
  latency: {
    ...full.latency,
    runs: full.latency.runs.map((x) => ({ ...x, levels: x.levels.filter((l) => fractionsFor(latency, x.variant).includes(l.fraction)) })),
  },
};
const lever = trimmed.latency.variants.find((v) => !ALL_LEVEL_VARIANTS.includes(v.id))!;
const report = renderReport(trimmed);
const rowsOf = (label: string) => report.markdown.split('\n').filter((l) => l.startsWith(`| ${label} |`));

test('the fixture has a lever variant and the template measured at every level', () => {
  expect(lever).toBeDefined();
  expect(trimmed.latency.runs.find((x) => x.variant === 'lat-template')!.levels).toHaveLength(full.latency.fractions.length);
  expect(trimmed.latency.runs.find((x) => x.variant === lever.id)!.levels.map((l) => l.fraction)).toEqual([0.5]);
});

test('a lever measured at 50% only reads "not measured" at every other level, and no number is NaN', () => {
  expect(report.markdown).not.toMatch(/NaN/);
  const [medians] = rowsOf(lever.label);
  expect(medians.match(/not measured/g)).toHaveLength(full.latency.fractions.length - 1);
  const perLevel = rowsOf(lever.label).filter((l) => /^\| [^|]+ \| \d+% \(/.test(l));
  expect(perLevel).toHaveLength(1);
  expect(perLevel[0]).toContain('| 50% (');
});

test('the latency plot draws the lever as a dot', () => {
  expect(report.svgs['latency.svg']).toContain('<circle');
  expect(report.svgs['latency.svg']).not.toMatch(/NaN/);
});

test('the completeness check expects the lever at 50% only', () => {
  const config = { ...QUICK_CONFIG, startupRuns: 1, latency };
  const ids = [...new Set(trimmed.latency.runs.map((x) => x.variant))];
  expect(missingNumbers(trimmed, config, ids).filter((p) => p.includes('levels missing'))).toEqual([]);
  const untrimmedConfig = { ...config, latency: { ...latency, leverFractions: undefined } };
  expect(missingNumbers(trimmed, untrimmedConfig, ids)).toContain(`latency ${lever.id}: levels missing`);
});

test("each round's late sends are per level, so a lever measured at 50% only is compared level for level", () => {
  const header = report.markdown.split('\n').find((l) => l.startsWith('| round | variant | p99 at '))!;
  for (const x of full.latency.fractions) expect(header).toContain(`| late sends at ${x * 100}% |`);
  expect(header).not.toMatch(/\| late sends \|/);
  const cellsOf = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const column = (x: number) => cellsOf(header).indexOf(`late sends at ${x * 100}%`);
  const run = trimmed.latency.runs.find((x) => x.variant === lever.id)!;
  const [row] = rowsOf(String(run.round)).filter((l) => cellsOf(l)[1] === lever.label);
  const at50 = run.levels.find((l) => l.fraction === 0.5)!.paced.late;
  expect(cellsOf(row)[column(0.5)]).toBe(String(at50));
  for (const x of full.latency.fractions.filter((x) => x !== 0.5)) expect(cellsOf(row)[column(x)]).toBe('not measured');
});
