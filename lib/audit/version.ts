/**
 * Version of the audit (rule set and report shapes), reported by the synth plugin and in SARIF.
 * Bump the minor version when a rule is added or changes meaning.
 */
export const AUDIT_VERSION = '1.0.0';
