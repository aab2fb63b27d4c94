/**
 * Acknowledged findings: a deliberate choice recorded with its reason. An acknowledged finding is
 * still reported (marked acknowledged, with the reason), it only stops failing the audit.
 *
 * File shape (audit-acknowledgements.json at the repository root):
 *   { "acknowledgements": [ { "ruleId": "CP-TERM-01", "resource": "SecureEcsStarter/Capacity*", "reason": "..." } ] }
 * `resource` and `container` are glob patterns (minimatch: `*` stays within one `/` segment,
 * `**` crosses them) matched against the finding's resource id and container name.
 */
import { minimatch } from 'minimatch';
import { z } from 'zod';
import { AuditInputError } from './errors';
import { RULES } from './rules';
import { readJson } from './sources/read-json';

export interface Acknowledgement {
  readonly ruleId: string;
  readonly resource: string;
  readonly container?: string;
  readonly reason: string;
}

const KNOWN_RULES = new Set(RULES.map((r) => r.id));

const schema = z.strictObject({
  $comment: z.string().optional(),
  acknowledgements: z.array(
    z.strictObject({
      ruleId: z.string().refine((id) => KNOWN_RULES.has(id), { message: 'unknown rule id' }),
      resource: z.string().min(1),
      container: z.string().min(1).optional(),
      // A reason is a sentence someone can review, not a placeholder.
      reason: z.string().trim().min(20, { message: 'reason must say why (20 characters or more)' }),
    }),
  ),
});

/** Parse an acknowledgements document; `file` names it in errors. */
function parseAcknowledgements(json: unknown, file: string): Acknowledgement[] {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AuditInputError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data.acknowledgements;
}

export function loadAcknowledgements(file: string): Acknowledgement[] {
  return parseAcknowledgements(readJson(file).json, file);
}

/** Whether an acknowledgement covers a finding. */
export function matches(ack: Acknowledgement, finding: { ruleId: string; resource: string; container?: string }): boolean {
  if (ack.ruleId !== finding.ruleId || !minimatch(finding.resource, ack.resource, { dot: true })) return false;
  return ack.container === undefined || (finding.container !== undefined && minimatch(finding.container, ack.container, { dot: true }));
}
