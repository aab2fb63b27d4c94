/**
 * CloudFormation YAML to the JSON the audit reads: the short-form intrinsics (`!Ref`, `!Sub`,
 * `!GetAtt A.B`, ...) become their long form (`{"Ref": ...}`, `{"Fn::Sub": ...}`), as
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * defines them. Only the peer converter uses it: the audit itself reads JSON (docs/audit-rules.md).
 */
import { parse, type Tags } from 'yaml';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Length',
  'ToJsonString',
];

function longForm(name: string, value: unknown): unknown {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  // `!GetAtt Resource.Attribute` is the scalar form of `Fn::GetAtt: [Resource, Attribute]`.
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

const TAGS: Tags = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((kind) => ({
    tag: `!${name}`,
    collection: kind === 'scalar' ? undefined : kind,
    resolve: (value: unknown) =>
      longForm(name, typeof (value as { toJSON?: () => unknown })?.toJSON === 'function' ? (value as { toJSON: () => unknown }).toJSON() : value),
  })),
) as Tags;

/** Parse a CloudFormation template written in YAML (JSON is YAML too). */
export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags: TAGS, uniqueKeys: false, maxAliasCount: -1 });
}
