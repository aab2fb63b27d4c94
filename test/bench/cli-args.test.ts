import * as path from 'node:path';
import { parseBenchArgs, renderOutDir } from '../../bench/cli-args';
import { measured, parseOnly } from '../../bench/section-names';

test('the options the bench knows, with their values', () => {
  expect(parseBenchArgs([])).toEqual({ quick: false, out: undefined, render: undefined, engine: undefined, only: undefined, pin: false });
  expect(parseBenchArgs(['--quick', '--engine', 'docker', '--out', 'o'])).toEqual({
    quick: true,
    out: 'o',
    render: undefined,
    engine: 'docker',
    only: undefined,
    pin: false,
  });
  expect(parseBenchArgs(['--engine=podman']).engine).toBe('podman');
  expect(parseBenchArgs(['--pin']).pin).toBe(true);
  expect(parseBenchArgs(['--quick', '--only', 'latency', '--out', '/tmp/x'])).toMatchObject({ quick: true, only: ['latency'], out: '/tmp/x' });
});

test('--only: names in the report order, closed-loop for sections 1 and 2, duplicates once', () => {
  expect(parseOnly('latency')).toEqual(['latency']);
  expect(parseOnly('startup,latency,closed-loop')).toEqual(['hardening', 'features', 'latency', 'startup']);
  expect(parseOnly('features,closed-loop,features')).toEqual(['hardening', 'features']);
  expect(parseOnly(' limiter , footprint')).toEqual(['limiter', 'footprint']);
});

test('a run without `sections` measured every section; one with them only those', () => {
  expect(measured(undefined, 'devloop')).toBe(true);
  expect(measured(['latency'], 'latency')).toBe(true);
  expect(measured(['latency'], 'hardening')).toBe(false);
});

test('bad input is one line naming what is wrong', () => {
  const allowed = 'allowed: hardening, features, limiter, devloop, footprint, latency, startup, closed-loop (comma-separated)';
  for (const [argv, message] of [
    [['--engine', 'lxc'], '--engine must be one of docker, podman; received "lxc"'],
    [['--fast'], "Unknown option '--fast'"],
    [['--out'], "Option '--out <value>' argument missing"],
    [['extra'], 'Unexpected argument'],
    [['--only', 'latency,tail', '--out', 'o'], `--only: unknown section "tail"; ${allowed}`],
    [['--only', '', '--out', 'o'], `--only: unknown section ""; ${allowed}`],
    [['--only', 'latency,', '--out', 'o'], `--only: unknown section ""; ${allowed}`],
    [['--only', 'latency'], '--only needs --out DIR: a partial run never writes over docs/'],
    [['--pin=yes'], "Option '--pin' does not take an argument"],
  ] as const) {
    let error: Error | undefined;
    try {
      parseBenchArgs(argv);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('\n');
  }
});

test('--render writes a full run over docs/ by default, and a quick or partial run only where --out says', () => {
  const docs = path.resolve('/repo/docs');
  expect(renderOutDir({ mode: 'full' }, undefined, docs)).toBe(docs);
  expect(renderOutDir({ mode: 'quick' }, '/tmp/out', docs)).toBe(path.resolve('/tmp/out'));
  expect(renderOutDir({ mode: 'full', sections: ['latency'] }, '/tmp/out', docs)).toBe(path.resolve('/tmp/out'));
  expect(() => renderOutDir({ mode: 'full', sections: ['latency'] }, undefined, docs)).toThrow(
    /^--render: a partial run \(--only latency\) never writes over docs\/, where the full runs are; give --out DIR$/,
  );
  expect(() => renderOutDir({ mode: 'quick' }, '/repo/docs/', docs)).toThrow(/^--render: a quick run never writes over docs\//);
});
