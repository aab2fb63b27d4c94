/**
 * The report's account of the tail (bench/report/probes.ts): the no-probe twin at 50% explains the
 * template's tail by the quota only when its own periods were throttled; with (almost) none throttled
 * it says the machine set that tail, with the host's idle share, and never claims the quota did.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';

const full = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'results-full.json'), 'utf8')) as Results;

/** The fixture with the no-probe twin's 50% level throttled in `throttled` of its periods, the host `idlePct` idle. */
function withNoProbeAt50(throttled: number, idlePct: number): Results {
  return {
    ...full,
    latency: {
      ...full.latency,
      runs: full.latency.runs.map((run) =>
        run.variant !== 'lat-noprobe'
          ? run
          : {
              ...run,
              levels: run.levels.map((l) =>
                l.fraction !== 0.5
                  ? l
                  : { ...l, cpu: { ...l.cpu, periods: 600, throttled }, steal: { ...l.steal!, idleTicks: idlePct * 10, totalTicks: 1000 } },
              ),
            },
      ),
    },
  };
}

const capSentence = (r: Results) =>
  renderReport(r)
    .markdown.split('\n')
    .find((l) => l.startsWith('`task.cpu` '))!;

test('the fixture measured the no-probe twin at 50% with the host idle share', () => {
  const level = full.latency.runs.find((x) => x.variant === 'lat-noprobe')!.levels.find((l) => l.fraction === 0.5)!;
  expect(level.steal).toBeDefined();
});

test('a twin throttled in its own periods: its bursts reach the quota', () => {
  const text = capSentence(withNoProbeAt50(30, 40));
  expect(text).toContain("with no probe in the window (5% of the periods throttled) the load's own bursts are what reach the quota.");
  expect(text).not.toContain('the machine did');
});

test('a twin with no period throttled: the machine, not the quota, set its tail', () => {
  const text = capSentence(withNoProbeAt50(0, 50));
  expect(text).toContain('with no probe in the window 0.0% of the periods were throttled, so the quota did not set its tail');
  expect(text).toContain("the machine did (the load generator and the engine's processes share its cores, the host 50% idle).");
  expect(text).not.toContain('reach the quota');
});

test('the threshold: 2 of 600 periods is under it, 3 is not', () => {
  expect(capSentence(withNoProbeAt50(2, 50))).toContain('0.3% of the periods were throttled, so the quota did not set its tail');
  expect(capSentence(withNoProbeAt50(3, 50))).toContain("(1% of the periods throttled) the load's own bursts are what reach the quota.");
});
