/**
 * CloudFormation values as templates spell them, read the same way by the local runner and the audit.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
import { isObject } from '../util/is-object';

/** `{ "Ref": ... }`, `{ "Fn::...": ... }` or `{ "Condition": ... }`: a value resolved only at deploy time. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
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

const objectOf = (v: unknown): Record<string, unknown> | undefined => (isObject(v) ? v : undefined);

/**
 * A property that takes a list, as a list: absent is empty, a single value is a list of one (IAM's
 * `Action`, `Resource` and `Statement` accept either, and so does the audit for every list it reads).
 */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Whether objects and arrays nest more than `limit` levels deep (the value itself is level 1).
 * Iterative, so a hostile document nested 100,000 levels deep is measured, not overflowed: the
 * readers after it (parameter defaults, normalization, text rendering) recurse.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [v, level] = pending.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (level > limit) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) pending.push([child, level + 1]);
  }
  return false;
}

/**
 * A property of an object property, as a template spells it. When the object is an intrinsic
 * (`Fn::If` of two objects), the intrinsic itself: its fields are unknown, never absent, and an
 * unknown value never produces a finding (hostile-input finding D12).
 */
export function cfnField(value: unknown, key: string): unknown {
  return isIntrinsic(value) ? value : objectOf(value)?.[key];
}

/** The logical id an intrinsic points at (`Ref` or the list form of `Fn::GetAtt`), if any. */
export function refTarget(value: unknown): string | undefined {
  const o = objectOf(value);
  if (typeof o?.Ref === 'string') return o.Ref;
  if (Array.isArray(o?.['Fn::GetAtt'])) return String((o['Fn::GetAtt'] as unknown[])[0]);
  return undefined;
}

/**
 * Text with intrinsics rendered as `${...}` placeholders: user data (`Fn::Base64` of `Fn::Join`) and
 * ARNs (`arn:${AWS::Partition}:iam::aws:policy/...`) stay readable even though parts are unknown.
 */
export function renderText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const o = objectOf(value);
  if (o?.['Fn::Join'] && Array.isArray(o['Fn::Join'])) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown];
    return Array.isArray(parts) ? parts.map(renderText).join(typeof sep === 'string' ? sep : '') : '${?}';
  }
  if (o?.['Fn::Sub'] !== undefined) return renderText(Array.isArray(o['Fn::Sub']) ? o['Fn::Sub'][0] : o['Fn::Sub']);
  if (typeof o?.Ref === 'string') return `\${${o.Ref}}`;
  if (Array.isArray(o?.['Fn::GetAtt'])) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
  return '${?}';
}
