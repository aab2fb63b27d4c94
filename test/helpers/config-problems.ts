import { ConfigError } from '../../lib/config/validate-config';

/** The problem lines of the ConfigError `fn` throws; fails the test if it throws none. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
