import { parse } from 'smol-toml';
import { isObject } from '../../util/is-object';

/**
 * Bottlerocket takes TOML settings as user data, not a script (bottlerocket-os/bottlerocket
 * README "Settings"; early-boot-config reads them). User data that parses as TOML and has a
 * `settings` table is a Bottlerocket host's: its settings table is returned, else undefined.
 * Intrinsics in the user data are `${...}` placeholders inside TOML strings, so they parse.
 * A shell script does not parse as TOML (a bare command is not a key/value pair), except one whose
 * every line is a comment, which has no `settings` table.
 */
export function bottlerocketSettings(userData: string | undefined): Readonly<Record<string, unknown>> | undefined {
  if (userData === undefined || !/^\s*\[settings[.\]]/m.test(userData)) return undefined;
  try {
    const doc = parse(userData) as Record<string, unknown>;
    const settings = doc.settings;
    return isObject(settings) ? settings : undefined;
  } catch {
    return undefined;
  }
}

/** A setting by its dotted path (`ecs.allow-privileged-containers`), undefined when absent. */
export function bottlerocketSetting(settings: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = settings;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
