/**
 * Recognises values shaped like secrets, so a secret under an innocuous variable name is still
 * found. Only the kind is returned: callers keep the kind and drop the value, which
 * therefore cannot reach a report.
 *
 * The shapes are those of Yelp's detect-secrets plugins, which prowler's
 * ecs_task_definitions_no_environment_secrets runs on environment values
 * (https://github.com/Yelp/detect-secrets/tree/master/detect_secrets/plugins): keyword-free shapes
 * only, because a random-looking string is not evidence on its own.
 */
const SHAPES: readonly (readonly [RegExp, string])[] = [
  // detect-secrets' AWSKeyDetector, exactly (detect_secrets/plugins/aws.py at 5e14193, line 28:
  // r'(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}'): any digit, and no word boundary, so
  // AKIA2E0A8F3B244C9986 and a key id glued to other text are found as prowler finds them.
  [/(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}/, 'an AWS access key id'],
  [/-----BEGIN[ A-Z0-9_-]*PRIVATE KEY( BLOCK)?-----/, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/, 'a JSON Web Token'],
  [/\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{60,}/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\b[rs]k_live_[0-9a-zA-Z]{24,}/, 'a Stripe live key'],
  [/\bglpat-[A-Za-z0-9_-]{20}\b/, 'a GitLab token'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/, 'a SendGrid key'],
  // A URL with a password in it: scheme://user:password@host.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/$]{3,}@[^\s]+/i, 'a URL with a password'],
];

/** The kind of secret `value` looks like, or undefined. Never returns or logs any part of the value. */
export function secretShape(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 8) return undefined;
  return SHAPES.find(([pattern]) => pattern.test(value))?.[1];
}
