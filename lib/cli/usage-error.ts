/** Bad input to the CLI: printed as one line and exits 2 (the contract every subcommand keeps). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
