/**
 * GitHub's own workflow parser (@actions/workflow-parser, the parser behind the GitHub Actions
 * language service: https://github.com/actions/languageservices), loaded into Jest. The package
 * ships ECMAScript modules that import their schema JSON without import attributes (it expects a
 * bundler), which neither Node nor Jest's CommonJS runtime load, so it is bundled here once per test
 * file with esbuild, as test/audit/helpers/cli.ts bundles the CLI.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { tempDir } from './temp-dir';

type Parser = typeof import('@actions/workflow-parser');

function loadParser(): Parser {
  const outfile = path.join(tempDir('workflow-parser-'), 'workflow-parser.cjs');
  buildSync({
    stdin: { contents: "export * from '@actions/workflow-parser';", resolveDir: __dirname },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    outfile,
    logLevel: 'warning',
  });
  return require(outfile) as Parser;
}

let parser: Parser | undefined;

/**
 * The errors GitHub would report for a workflow: syntax and schema errors from parsing, then those of
 * the conversion (expressions, needs, reusable-workflow calls). Local reusable workflows
 * (`uses: ./.github/workflows/x.yml`) are read from `repoRoot`, so a call is checked against the
 * called workflow's inputs.
 */
export async function workflowErrors(repoRoot: string, file: string): Promise<string[]> {
  parser ??= loadParser();
  const name = path.relative(repoRoot, file);
  const result = parser.parseWorkflow({ name, content: readFileSync(file, 'utf8') }, new parser.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (!result.value || errors.length > 0) return errors;
  const fileProvider = {
    getFileContent: async (ref: any) => {
      if (!('path' in ref) || 'repository' in ref) throw new Error(`only local reusable workflows are read here: ${JSON.stringify(ref)}`);
      return { name: ref.path, content: readFileSync(path.join(repoRoot, ref.path), 'utf8') };
    },
  };
  const template = await parser.convertWorkflowTemplate(result.context, result.value, fileProvider, { fetchReusableWorkflowDepth: 1 });
  // The conversion's errors land in the context and in the template: report each once.
  return [
    ...new Set([...result.context.errors.getErrors().map((e) => e.message), ...(template.errors ?? []).map((e: any) => e.Message ?? e.message ?? String(e))]),
  ];
}
