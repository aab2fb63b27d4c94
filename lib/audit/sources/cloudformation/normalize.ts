/**
 * Template properties to the ECS API's shape: camelCase keys, intrinsics as `Unknown` (catalog
 * §2.7), so they are mapped by the same code as API documents (../ecs-document.ts).
 */
import { unknownValue } from '../../model';
import { isIntrinsic } from '../../../cfn/values';

/**
 * PascalCase to the API's camelCase, leading acronyms included: `EFSVolumeConfiguration` becomes
 * `efsVolumeConfiguration`, as DescribeTaskDefinition spells it.
 */
export function lowerCamel(key: string): string {
  const acronym = /^([A-Z]+)([A-Z][a-z])/.exec(key);
  if (acronym && acronym[1].length > 0) return acronym[1].toLowerCase() + key.slice(acronym[1].length);
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** Keys whose children are user-defined names (log driver options, labels), never renamed (catalog §2.7). */
const USER_MAPS = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels']);

/** Template properties to the API's shape: camelCase keys, intrinsics as `Unknown`. */
export function normalizeCfn(value: unknown, keepKeys = false): unknown {
  if (isIntrinsic(value)) return unknownValue(value);
  if (Array.isArray(value)) return value.map((v) => normalizeCfn(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [keepKeys ? k : lowerCamel(k), normalizeCfn(v, USER_MAPS.has(k))]));
  }
  return value;
}
