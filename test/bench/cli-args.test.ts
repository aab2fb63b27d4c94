import { parseBenchArgs } from '../../bench/cli-args';

test('the options the bench knows, with their values', () => {
  expect(parseBenchArgs([])).toEqual({ quick: false, out: undefined, render: undefined, engine: undefined });
  expect(parseBenchArgs(['--quick', '--engine', 'docker', '--out', 'o'])).toEqual({ quick: true, out: 'o', render: undefined, engine: 'docker' });
  expect(parseBenchArgs(['--engine=podman']).engine).toBe('podman');
});

test('bad input is one line naming what is wrong', () => {
  for (const [argv, message] of [
    [['--engine', 'lxc'], '--engine must be one of docker, podman; received "lxc"'],
    [['--fast'], "Unknown option '--fast'"],
    [['--out'], "Option '--out <value>' argument missing"],
    [['extra'], 'Unexpected argument'],
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
