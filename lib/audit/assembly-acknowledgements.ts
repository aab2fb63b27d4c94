/**
 * The acknowledgements a CDK app wrote on its constructs
 * (`Validations.of(scope).acknowledge({ id: 'secure-ecs-audit::<rule>', reason })`), read back from
 * its cloud assembly so `secure-ecs audit --template cdk.out` honours the same exceptions as the
 * synth-time plugin. CDK records them as `aws:cdk:acknowledged-rules` metadata at the construct's
 * path (manifest.json, or the stack's `additionalMetadataFile`); each becomes an acknowledgement of
 * the resources at or beneath that path (their `aws:cdk:path` metadata in the template, which the
 * CDK CLI writes by default).
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readAssembly, readTemplate } from '../cdk-out/assembly';
import type { Acknowledgement } from './acknowledgements';
import { RULES } from './rules';

const NAMESPACE = 'secure-ecs-audit::';
const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';
const KNOWN_RULES = new Set(RULES.map((r) => r.id));

type MetadataEntries = Record<string, { type: string; data?: unknown }[]>;

/** Acknowledgements of every stack in a cloud assembly directory (nested ones too); none for a template file. */
export function acknowledgementsFromAssembly(assemblyDir: string): Acknowledgement[] {
  if (!statSync(assemblyDir).isDirectory() || !existsSync(path.join(assemblyDir, 'manifest.json'))) return [];
  return readAssembly(assemblyDir).flatMap((stack) => {
    const stackName = stack.id;
    const metadata = stack.metadata as unknown as MetadataEntries;
    const template = readTemplate(stack);
    const resources = Object.entries<any>(template.Resources ?? {}).map(([logicalId, r]) => ({
      logicalId,
      path: r.Metadata?.['aws:cdk:path'] as string | undefined,
    }));
    return Object.entries(metadata).flatMap(([constructPath, entries]) =>
      entries
        .filter((e) => e.type === ACKNOWLEDGED_RULES)
        .flatMap((e) => Object.entries(e.data as Record<string, string>))
        .filter(([id]) => id.startsWith(NAMESPACE) && KNOWN_RULES.has(id.slice(NAMESPACE.length)))
        .flatMap(([id, reason]) => {
          const under = constructPath.replace(/^\//, '');
          const ids = resources.filter((r) => r.path === under || r.path?.startsWith(`${under}/`)).map((r) => `${stackName}/${r.logicalId}`);
          // One acknowledgement per decision, as written: a brace pattern over its resources.
          if (ids.length === 0) return [];
          return [{ ruleId: id.slice(NAMESPACE.length), resource: ids.length === 1 ? ids[0] : `{${ids.join(',')}}`, reason }];
        }),
    );
  });
}
