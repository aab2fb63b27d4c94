/**
 * The report renderer, byte for byte: committed results fixtures rendered into committed goldens.
 * `results.json` is a real `npm run bench -- --quick` run (paths scrubbed); `results-full.json` is
 * the same run with a full run's developer loop added by hand (hyperfine, jest, cold and cached
 * `local up`), so every section renders. A change of wording updates the goldens deliberately:
 * `UPDATE_GOLDEN=1 npx jest test/bench/report-golden.test.ts`.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';

const FIXTURES = path.join(__dirname, 'fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const load = (name: string): Results => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Results;
/** A run whose open-loop section produced nothing (the report then leaves section 6 and its goals out). */
const withoutLatency = (r: Results): Results => ({ ...r, latency: { ...r.latency, runs: [], probes: [], idle: [] } });

const cases: [string, () => Results][] = [
  ['report.golden', () => load('results.json')],
  ['report-full.golden', () => load('results-full.json')],
  ['report-nolatency.golden', () => withoutLatency(load('results.json'))],
];

function expectGolden(file: string, actual: string): void {
  const golden = path.join(FIXTURES, file);
  if (UPDATE) {
    mkdirSync(path.dirname(golden), { recursive: true });
    writeFileSync(golden, actual);
  }
  expect(actual).toBe(readFileSync(golden, 'utf8'));
}

describe.each(cases)('%s', (golden, results) => {
  const report = renderReport(results());

  test('markdown equals the golden byte for byte', () => {
    expectGolden(`${golden}.md`, report.markdown);
  });

  test('every SVG equals its golden, and no SVG is missing or extra', () => {
    const dir = path.join(FIXTURES, golden);
    for (const [name, svg] of Object.entries(report.svgs)) expectGolden(path.join(golden, name), svg);
    const committed = existsSync(dir) ? readdirSync(dir).sort() : [];
    expect(Object.keys(report.svgs).sort()).toEqual(committed);
  });
});
