/**
 * Reads a `Ref` to a template parameter as the parameter's `Default`: a stack deployed without
 * overriding the parameter gets the default, and checkov judges templates the same way (a
 * security group open to `{"Ref": "SSHLocation"}` with default 0.0.0.0/0 fails in both).
 *
 * Left unresolved (still unknown): parameters without a default, `NoEcho` parameters (their
 * default may be a secret, and a resolved value can end up in a finding's message), SSM parameter
 * types (the default names a parameter, not the value), and pseudo parameters (`AWS::Region`).
 */
import { isObject } from '../../util/is-object';

type Doc = Record<string, unknown>;

/** The value a parameter's default stands for, or undefined when it must stay unknown. */
function defaultValue(parameter: unknown): unknown {
  if (!isObject(parameter) || parameter.Default === undefined) return undefined;
  const type = String(parameter.Type ?? 'String');
  if (String(parameter.NoEcho).toLowerCase() === 'true' || type.startsWith('AWS::SSM::')) return undefined;
  // List parameters are comma-delimited strings (CloudFormation parameters documentation).
  if (type.startsWith('List<') || type === 'CommaDelimitedList')
    return String(parameter.Default)
      .split(',')
      .map((s) => s.trim());
  return parameter.Default;
}

/**
 * A copy of `properties` with each resolvable parameter `Ref` replaced by its default, and the
 * names of the parameters so read.
 */
export function withParameterDefaults(properties: unknown, parameters: Doc): { properties: unknown; used: string[] } {
  const used = new Set<string>();
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string' && value.Ref in parameters) {
      const resolved = defaultValue(parameters[value.Ref]);
      if (resolved !== undefined) {
        used.add(value.Ref);
        return resolved;
      }
      return value;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
  };
  return { properties: walk(properties), used: [...used].sort() };
}
