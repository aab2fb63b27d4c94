/**
 * IAM policy reading shared by the IAM and KMS rules (not a rule itself: the `_` prefix). Action
 * patterns match as IAM matches them: case-insensitive, `*` and `?` wildcards
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
 */
import type { PolicyStatement } from '../model';
import { known } from './_kit';

/** Whether an action pattern in a policy (`iam:Put*`, `*`) grants `action`. */
export function grants(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

export function allows(statement: PolicyStatement): boolean {
  return statement.effect === 'Allow';
}

/** The known principals of a statement. */
export function knownPrincipals(statement: PolicyStatement): string[] {
  return statement.principals.map((p) => known(p)).filter((p): p is string => p !== undefined);
}
