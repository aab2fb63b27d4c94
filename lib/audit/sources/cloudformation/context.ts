/**
 * What every mapper of a template needs: its resources by type with parameter defaults read in,
 * resource ids and origins. Built once per template by ./index.ts.
 */
import { AuditInputError } from '../../errors';
import type { Origin } from '../../model';
import { obj } from '../ecs-document';
import { withParameterDefaults } from '../parameter-defaults';
import { nestedDeeperThan } from '../../../cfn/values';
import { MAX_JSON_DEPTH } from '../../../input/json-text';

export type Doc = Record<string, unknown>;

export interface TemplateSource {
  /** Stack (artifact) name, the first part of every resource id. */
  readonly stack: string;
  /** File the template was read from, for locations. */
  readonly file: string;
  readonly template: unknown;
  /** The file's text, to find each resource's line. */
  readonly text?: string;
}

export interface TemplateContext {
  /** The template's `Parameters` section (empty when it has none). */
  readonly parameters: Doc;
  /** A resource's id in the model: `Stack/LogicalId`. */
  id(logicalId: string): string;
  /** Where a resource was read from: file, stack, logical id, line, parameter defaults used. */
  origin(logicalId: string): Origin;
  /** `id` and `origin` together: the resource a finding points at. */
  declaredIn(logicalId: string): { id: string; origin: Origin };
  /** The resources of one type, in template order: logical id and properties (parameter defaults read in). */
  ofType(type: string): (readonly [string, Doc])[];
}

/**
 * How deep a template's values may nest. CDK's templates nest about 15 levels; the mappers and the
 * readers they share recurse, and a hostile template nested 100,000 levels deep overflowed the
 * stack (hostile-input finding D7). The one limit of every JSON input (lib/input/json-text.ts): the
 * file reader refuses deeper text first; this check holds for templates handed over already parsed.
 */
export const MAX_TEMPLATE_DEPTH = MAX_JSON_DEPTH;

export function templateContext(source: TemplateSource): TemplateContext {
  const template = obj(source.template);
  const resources = obj(template?.Resources);
  if (!resources) throw new AuditInputError(`${source.file} is not a CloudFormation template (no Resources)`);
  if (nestedDeeperThan(template, MAX_TEMPLATE_DEPTH)) {
    throw new AuditInputError(`${source.file} nests values deeper than ${MAX_TEMPLATE_DEPTH} levels, which no CloudFormation template needs`);
  }
  const parameters = obj(template?.Parameters) ?? {};
  const { stack } = source;
  // Each resource's properties with parameter defaults read in (../parameter-defaults.ts).
  const resolved = new Map(
    Object.entries(resources).map(([logicalId, r]) => [logicalId, withParameterDefaults(obj(obj(r)?.Properties) ?? {}, parameters)] as const),
  );
  const lines = lineIndex(source.text);
  const id = (logicalId: string) => `${stack}/${logicalId}`;
  const origin = (logicalId: string): Origin => {
    const used = resolved.get(logicalId)?.used ?? [];
    return {
      kind: 'cloudformation',
      file: source.file,
      stack,
      logicalId,
      line: lines(logicalId),
      ...(used.length ? { parameterDefaults: used } : {}),
    };
  };
  return {
    parameters,
    id,
    origin,
    declaredIn: (logicalId) => ({ id: id(logicalId), origin: origin(logicalId) }),
    ofType: (type) =>
      Object.entries(resources)
        .filter(([, r]) => obj(r)?.Type === type)
        .map(([logicalId]) => [logicalId, resolved.get(logicalId)!.properties as Doc] as const),
  };
}

/**
 * The 1-based line where each key is declared at the start of a line (`  "Name": ...`), first
 * occurrence, indexed in one pass. A logical id is looked up as text, never compiled into a regular
 * expression: the template is untrusted, and an id such as `(x+x+)+y` or `A(` must neither hang
 * the audit nor crash it (hostile-input finding D3).
 */
function lineIndex(text: string | undefined): (logicalId: string) => number | undefined {
  if (!text) return () => undefined;
  const lines = new Map<string, number>();
  // A JSON string's body: characters other than quote and backslash, or an escape. One way to match each.
  const KEY = /^\s*"((?:[^"\\]|\\.)*)"\s*:/;
  text.split('\n').forEach((line, i) => {
    const key = KEY.exec(line)?.[1];
    if (key !== undefined && !lines.has(key)) lines.set(key, i + 1);
  });
  // The id as the template's text spells it: JSON-escaped, without the quotes.
  return (logicalId) => lines.get(JSON.stringify(logicalId).slice(1, -1));
}
