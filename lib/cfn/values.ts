/**
 * CloudFormation values as templates spell them, read the same way by the local runner and the audit.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */

/** `{ "Ref": ... }`, `{ "Fn::...": ... }` or `{ "Condition": ... }`: a value resolved only at deploy time. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

/** A number, as CloudFormation accepts one: a JSON number or a numeric string ("512"); else undefined. */
export function cfnNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A boolean, as CloudFormation accepts one: true/false or the strings "true"/"false" (any case). */
export function cfnBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}
