import { ConfigError } from './validate-config';

/**
 * Run a CDK entry point's definition step. A {@link ConfigError} ends the process with exit 1 and
 * its one-line-per-problem message, without a stack trace, so `cdk synth` output is the fix list;
 * anything else is a bug and keeps its stack.
 */
export function defineOrExit(define: () => void): void {
  try {
    define();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
