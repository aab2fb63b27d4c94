/**
 * The admission hook's settings and how they travel in the function's environment: the construct
 * (lib/constructs/image-admission-hook.ts) writes them, the handler (lib/deploy-hooks/admit-images.ts)
 * reads them. One place for both, so the two cannot drift.
 */
export interface ImageAdmissionSettings {
  /** `<account>.dkr.ecr.<region>.<URL suffix>/<repository name>` (amazonaws.com, amazonaws.com.cn in China): every image must come from here. */
  readonly repositoryUri: string;
  /** Every image must have a completed ECR managed signing signature. */
  readonly requireSignature: boolean;
  /** Scan-finding severities that refuse an image; none: scan results are not read. */
  readonly blockSeverities: readonly string[];
  /** Finding ids (CVE-…) accepted despite their severity. */
  readonly acceptedFindings: readonly string[];
}

const ENV = {
  repositoryUri: 'ASSETS_REPOSITORY_URI',
  requireSignature: 'REQUIRE_SIGNATURE',
  blockSeverities: 'BLOCK_SEVERITIES',
  acceptedFindings: 'ACCEPTED_FINDINGS',
} as const;

const list = (value: string | undefined): string[] => (value ? value.split(',').filter((v) => v !== '') : []);

export const admissionEnvironment = {
  /** The function's environment variables for these settings (lists comma-separated). */
  write(s: ImageAdmissionSettings): Record<string, string> {
    return {
      [ENV.repositoryUri]: s.repositoryUri,
      [ENV.requireSignature]: String(s.requireSignature),
      [ENV.blockSeverities]: s.blockSeverities.join(','),
      [ENV.acceptedFindings]: s.acceptedFindings.join(','),
    };
  },
  /** The settings back; a missing repository is an empty one, which admits no image (fails closed). */
  read(env: NodeJS.ProcessEnv): ImageAdmissionSettings {
    return {
      repositoryUri: env[ENV.repositoryUri] ?? '',
      requireSignature: env[ENV.requireSignature] !== 'false',
      blockSeverities: list(env[ENV.blockSeverities]),
      acceptedFindings: list(env[ENV.acceptedFindings]),
    };
  },
};
