/**
 * Dockerfile source, parsed with dockerfile-ast (the parser behind the Docker language server,
 * https://github.com/rcjsuen/dockerfile-ast), so line continuations, escape directives and
 * `FROM image:tag@digest AS stage` are handled as Docker handles them.
 */
import * as path from 'node:path';
import { DockerfileParser, type Env, type From, type Instruction } from 'dockerfile-ast';
import { type AuditModel, type DockerInstruction, emptyModel } from '../model';
import { readText } from './read-json';
import { secretShape } from './secret-shapes';

/** A value is literal when it is set and is not only a `$VAR`/`${VAR}` reference to a build argument. */
function hasLiteral(value: string | null): boolean {
  return value !== null && value.trim() !== '' && !/^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(value.trim());
}

function toInstruction(instruction: Instruction): DockerInstruction {
  const keyword = instruction.getKeyword().toUpperCase();
  const base = { keyword, args: instruction.getArgumentsContent() ?? '', line: instruction.getRange().start.line + 1 };
  if (keyword === 'ENV' || keyword === 'ARG') {
    // Both Env and Arg are PropertyInstructions: `NAME=value` pairs (ARG has at most one).
    const properties = (instruction as Env).getProperties();
    // The value is looked at for its shape here and then dropped: only its kind enters the model.
    return {
      ...base,
      variables: properties.map((p) => {
        const shape = secretShape(p.getValue());
        return { name: p.getName(), hasLiteral: hasLiteral(p.getValue()), ...(shape ? { secretShape: shape } : {}) };
      }),
    };
  }
  if (keyword === 'FROM') {
    const from = instruction as From;
    return {
      ...base,
      from: {
        image: from.getImageName() ?? '',
        tag: from.getImageTag() ?? undefined,
        digest: from.getImageDigest() ?? undefined,
        stage: from.getBuildStage() ?? undefined,
      },
    };
  }
  return base;
}

/** Parse Dockerfile text; `id` names it in reports. */
export function dockerfileModel(text: string, id: string, file: string): AuditModel {
  const model = emptyModel();
  const instructions = DockerfileParser.parse(text).getInstructions().map(toInstruction);
  model.dockerfiles.push({ id, origin: { kind: 'dockerfile', file }, instructions });
  return model;
}

/** `--dockerfile PATH`. The id is the path relative to the working directory unless given. */
export function loadDockerfile(file: string, id?: string): AuditModel {
  return dockerfileModel(readText(file), id ?? path.relative(process.cwd(), file), file);
}
