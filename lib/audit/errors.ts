/**
 * Input the audit cannot use: a missing or unreadable file, malformed JSON, a template without a
 * task definition, missing AWS credentials, access denied. The CLI prints the message as one line
 * and exits 2 (issue 4: "2 for usage, unreadable input, missing credentials or access denied").
 */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditInputError';
  }
}
