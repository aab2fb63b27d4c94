import { parseProcStat, stealDelta } from '../../bench/steal';

const stat = (steal: number, idle = 1000) => `cpu  100 5 50 ${idle} 10 1 2 ${steal} 40 0\ncpu0 50 2 25 500 5 0 1 ${steal} 20 0\nintr 1\n`;

test('steal is field 8 of the aggregate cpu line; guest time is not counted twice', () => {
  expect(parseProcStat(stat(7))).toEqual({ steal: 7, idle: 1000 + 10, total: 100 + 5 + 50 + 1000 + 10 + 1 + 2 + 7 });
  expect(stealDelta(parseProcStat(stat(7)), parseProcStat(stat(19)))).toEqual({ ticks: 12, totalTicks: 12, idleTicks: 0 });
});

test('idle is idle plus iowait (fields 4 and 5): the CPU time no process used', () => {
  expect(stealDelta(parseProcStat(stat(7, 1000)), parseProcStat(stat(7, 1300)))).toEqual({ ticks: 0, totalTicks: 300, idleTicks: 300 });
});

test('a kernel without the steal column is an error, not a zero', () => {
  expect(() => parseProcStat('cpu  1 2 3 4 5 6 7\n')).toThrow('no aggregate cpu line with at least 8 counters');
  expect(() => parseProcStat('intr 1\n')).toThrow('/proc/stat');
});
