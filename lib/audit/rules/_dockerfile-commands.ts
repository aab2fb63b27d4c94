/**
 * What RUN and ENV instructions say, for the Dockerfile rules (not a rule itself: the `_` prefix).
 * checkov's Dockerfile graph checks match the same instructions
 * (bridgecrewio/checkov, checkov/dockerfile/checks/graph_checks/).
 */
import type { Dockerfile, DockerInstruction } from '../model';

/** A RUN's shell text split at `&&`, `||`, `;` and `|`, so a flag is read with its own command. */
function commands(run: DockerInstruction): string[] {
  return run.args
    .split(/&&|\|\||;|\|/)
    .map((c) => c.trim())
    .filter(Boolean);
}

/** Each RUN command, with its instruction's line. */
export function runCommands(df: Dockerfile): { command: string; line: number }[] {
  return df.instructions.filter((i) => i.keyword === 'RUN').flatMap((i) => commands(i).map((command) => ({ command, line: i.line })));
}

/**
 * ENV settings as `NAME=value` text: the value is read for the setting it makes and never reported
 * (findings name the variable). `ENV NAME value` (the legacy form) is read too.
 */
export function envSettings(df: Dockerfile): { name: string; value: string; line: number }[] {
  return df.instructions
    .filter((i) => i.keyword === 'ENV')
    .flatMap((i) => {
      const pairs = [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)].map((m) => ({
        name: m[1],
        value: m[2].replace(/^["']|["']$/g, ''),
        line: i.line,
      }));
      if (pairs.length) return pairs;
      const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(i.args.trim());
      return legacy ? [{ name: legacy[1], value: legacy[2].replace(/^["']|["']$/g, ''), line: i.line }] : [];
    });
}
