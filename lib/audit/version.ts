/**
 * Version of the audit (rule set and report shapes), reported by the synth plugin and in SARIF.
 * Bump the minor version when a rule is added or changes meaning. 1.1.0: the rules added after the
 * first catalog (81 rules; 118 now) up to the live account rules (ECR-SIGN-01, ECR-SCAN-02,
 * ECR-TAG-02, ECR-BOOT-01, GD-RTM-01), which were added without a bump.
 */
export const AUDIT_VERSION = '1.1.0';
