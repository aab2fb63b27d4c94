/**
 * EC2 user data as text, read the same way by the audit and by the local runner's agent settings.
 * `UserData` must be base64 (EC2's contract; AWS::EC2::LaunchTemplate LaunchTemplateData.UserData):
 * a literal is decoded, and `Fn::Base64` of text (often a `Fn::Join`) is rendered with its intrinsics
 * as `${...}` placeholders (./values.ts renderText).
 */
import { renderText } from './values';

/**
 * The user data's text, or `undefined` when it has none; `null` when it is an intrinsic other than
 * `Fn::Base64` (a `Ref`, an `Fn::If`): text that exists but is known only at deploy time.
 */
export function userDataText(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  if (typeof value === 'object' && !Array.isArray(value) && 'Fn::Base64' in value) return renderText((value as Record<string, unknown>)['Fn::Base64']);
  return null;
}
