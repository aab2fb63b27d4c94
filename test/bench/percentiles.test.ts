import { nearestRank, summarize } from '../../bench/percentiles';

test('nearest rank: the smallest sample with at least p% at or below it', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(nearestRank(xs, 50)).toBe(50);
  expect(nearestRank(xs, 99)).toBe(99);
  expect(nearestRank(xs, 100)).toBe(100);
  expect(nearestRank([7], 99)).toBe(7);
  expect(nearestRank([], 50)).toBeNaN();
  expect(() => nearestRank(xs, 0)).toThrow('percentile must be in (0, 100], got 0');
});

test('summarize sorts numerically and keeps every sample', () => {
  // 1 stall of 80 ms among 99 fast requests: p99 still sees the fast ones, max the stall.
  const s = summarize([...Array.from({ length: 99 }, () => 1), 80, 2].slice(0, 100));
  expect(s.count).toBe(100);
  expect(s.p50Ms).toBe(1);
  expect(s.p99Ms).toBe(1);
  expect(s.maxMs).toBe(80);
  expect(summarize([10, 9, 100, 2]).p50Ms).toBe(9);
});
