/**
 * Input the audit cannot use: a missing, unreadable, malformed, over-deep or over-large file, an
 * empty target, missing AWS credentials, access denied, an endpoint that does not answer in time.
 * (A template without a task definition is audited for its other resources, not refused.) The CLI
 * prints the message as one line and exits 2 (README "Security audit", exit codes: "2 bad input").
 */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditInputError';
  }
}
