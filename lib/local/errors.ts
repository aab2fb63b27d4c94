/**
 * A failure of one step of `secure-ecs local` (synthesize, build, start ...). The CLI prints the step,
 * the cause and the detail lines (for example a container's last log lines), then exits 1.
 */
export class LocalStepError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'LocalStepError';
  }
}

/** Bad input to `secure-ecs local` (an unknown engine name, an unknown container): the CLI exits 2 with the one-line message. */
export class LocalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalInputError';
  }
}
