/**
 * What the admission hook (lib/deploy-hooks/admit-images.ts) decides about one image, without any
 * AWS call: whether its reference names the expected repository, the digest it pins if any, and
 * which scan findings block it. Every value comes from the task definition or ECR: it is compared as
 * text, never turned into a pattern.
 */

/** A container image reference split as Docker reads it: `<repository>[:<tag>][@<digest>]`. */
export interface ImageReference {
  /** `<registry host>/<repository name>`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Splits a reference. The digest follows the last `@`; the tag follows the last `:` after the
 * last `/` (a `:` before it is a registry port). ECR hosts carry no port.
 */
export function parseImageReference(image: string): ImageReference {
  const at = image.lastIndexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return { repository: hasTag ? name.slice(0, colon) : name, tag: hasTag ? name.slice(colon + 1) : undefined, digest };
}

const isDigest = (value: string): boolean => DIGEST.test(value);

/** Why the reference is not an image of `expectedRepository` (`<host>/<name>`), or undefined when it is. */
export function repositoryProblem(ref: ImageReference, expectedRepository: string): string | undefined {
  if (ref.repository === expectedRepository) return undefined;
  return `is not from the expected repository ${expectedRepository}`;
}

/** Why a pinned digest is unusable, or undefined (no digest pinned, or a sha256 digest). */
export function digestProblem(ref: ImageReference): string | undefined {
  if (ref.digest === undefined || isDigest(ref.digest)) return undefined;
  return `pins "${ref.digest}", not a sha256 digest`;
}

/** One finding as ECR reports it, basic (`findings`) or enhanced (`enhancedFindings`, from Amazon Inspector). */
export interface ScanFinding {
  /** The vulnerability id (CVE-…, GHSA-…, ALAS…), or the finding's title when it has none. */
  readonly id: string;
  readonly severity: string;
}

/** The severities ECR reports: basic scanning's and enhanced scanning's (which adds UNTRIAGED). */
export const FINDING_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED', 'UNDEFINED'] as const;

/** The findings that block admission: a blocked severity, not in the accepted list. */
export function blockingFindings(findings: readonly ScanFinding[], blockSeverities: readonly string[], acceptedFindings: readonly string[]): ScanFinding[] {
  return findings.filter((f) => blockSeverities.includes(f.severity) && !acceptedFindings.includes(f.id));
}

/** The ECR scan statuses that carry a finished result: COMPLETE (basic), ACTIVE (enhanced, rescanned continuously). */
export const SCAN_DONE = ['COMPLETE', 'ACTIVE'] as const;
