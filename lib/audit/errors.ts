/**
 * Input the audit cannot use: a missing or unreadable file, malformed JSON, a template without a
 * task definition, missing AWS credentials, access denied. The CLI prints the message as one line
 * and exits 2 (README "Security audit", exit codes: "2 bad input").
 */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditInputError';
  }
}
