/**
 * The paced client's connection cap in the report comes from the run's results (`config.pacedSockets`,
 * recorded by bench/run.ts), so a report rendered again after the cap changed still says what its run
 * used; a run from before it was recorded used 16.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderReport } from '../../bench/report';
import type { Results } from '../../bench/results';

const full = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'results-full.json'), 'utf8')) as Results;

const capsIn = (r: Results) => {
  const md = renderReport(r).markdown;
  return {
    latency: /over at most (\d+) keep-alive connections/.exec(md)?.[1],
    nginxFloor: /bench\/paced\.ts, at most (\d+) connections;/.exec(md)?.[1],
    limiter: /the flood uses at most (\d+) connections/.exec(md)?.[1],
  };
};

test('a run from before the cap was recorded reads 16 everywhere', () => {
  expect(full.config.pacedSockets).toBeUndefined();
  expect(capsIn(full)).toEqual({ latency: '16', nginxFloor: '16', limiter: '16' });
});

test("a recorded cap is the one the report prints; the limiter's flood stays below the connection limit", () => {
  expect(capsIn({ ...full, config: { ...full.config, pacedSockets: 8 } })).toEqual({ latency: '8', nginxFloor: '8', limiter: '8' });
  const limit = full.template.connectionsPerClient;
  expect(capsIn({ ...full, config: { ...full.config, pacedSockets: limit + 10 } }).limiter).toBe(String(limit - 2));
});
