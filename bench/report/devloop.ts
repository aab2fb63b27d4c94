/** Section 4: the developer loop: synth with each TypeScript loader, the unit tests, `local up` cold and cached. */
import { f, mean, secs, table } from '../format';
import { notMeasuredGoal, SYNTH_GOAL, synthGoal } from '../goals';
import type { Results } from '../results';
import type { Section } from './section';

export function devloopSection(r: Results): Section {
  const [tsx, tsNode, floor] = r.devloop.synth?.runs ?? [];
  const out: string[] = [];
  out.push('## 4. Developer loop', '');
  if (r.devloop.synth) {
    out.push(
      `\`cdk synth\` of the same app, ${r.config.synthRounds} alternating rounds under hyperfine (each round runs every command once, \`--runs 1\`, the order reversed every other round; ` +
        "`--prepare` empties the output directory first). Each writes its own output directory (`-o`), never the project's cdk.out. CloudFormation validation, cdk-nag and the audit plugin are on in all three, as in `npm start`.",
      '',
      table(
        ['app command', 'mean s', 'min s', 'max s', 'runs', 'vs ts-node'],
        r.devloop.synth.runs.map((x) => [
          x.name,
          f(mean(x.timesS)),
          f(Math.min(...x.timesS)),
          f(Math.max(...x.timesS)),
          x.timesS.length,
          `${f(mean(x.timesS) / mean(tsNode!.timesS))}x`,
        ]),
      ),
      '',
      'Commands (in `<work>`, a temporary directory):',
      '',
      '```',
      ...r.devloop.synth.runs.map((x) => x.command.replace(/\/tmp\/secure-ecs-bench-[^/ ]+/g, '<work>')),
      '```',
      '',
      'One round as run:',
      '',
      '```',
      (r.devloop.synth.invocations[0] ?? '').replace(/\/tmp\/secure-ecs-bench-[^/ ]+/g, '<work>'),
      '```',
      '',
      'The floor is the app compiled file by file to CommonJS with esbuild (bench/devloop.ts `buildJsApp`, not timed), run with plain `node`: the time no TypeScript loader can beat.',
      '',
    );
  } else {
    out.push(`Synth with the project's command: ${secs(r.devloop.synthOnceMs ?? r.synth.ms)} (once; the comparison with ts-node runs only in a full run).`, '');
  }
  if (r.devloop.unit) {
    out.push(
      `Unit tests, \`npx jest\` (what \`npm test\` runs after the type check, before the end-to-end tests): **${secs(r.devloop.unit.ms)}** wall time, exit ${r.devloop.unit.code} (${r.devloop.unit.summary || 'no summary'}).`,
      '',
    );
  }
  if (r.devloop.up?.length) {
    out.push(
      '`secure-ecs local up --detach` (the CLI bundle, as `npm start` builds it), from the command to every container HEALTHY. **Cold:** a private, empty podman storage ' +
        '(`CONTAINERS_STORAGE_CONF` with its own graph root and run root), so the Debian base image (no registry is reachable here: built from the Debian archive with mmdebstrap), ' +
        "both images and podman's pause image are all built; the shared image cache is neither used nor touched. **Cached:** the same storage again, images present. " +
        'The assembly is the one the bench synthesized (a bench project directory whose cdk.json points `output` at it), so `up` does not synthesize unless an input changed meanwhile; each run ends with `secure-ecs local down`.',
      '',
      table(
        ['run', 'wall time', 'exit', 'synthesized', 'built images'],
        r.devloop.up.map((u, i) => [
          `${u.kind}${u.kind === 'cached' ? ` ${i}` : ''}`,
          secs(u.ms),
          u.code,
          u.synthesized ? 'yes' : 'no',
          u.built ? 'yes' : 'no',
        ]),
      ),
      '',
      `Command: \`${r.devloop.up[0].command}\``,
      '',
    );
  }
  const notes: string[] = [];
  if (r.devloop.unit) notes.push(`Unit tests (\`npx jest\`): ${secs(r.devloop.unit.ms)}.`);
  for (const u of r.devloop.up ?? [])
    if (u.kind === 'cold')
      notes.push(
        `\`secure-ecs local up\` cold: ${secs(u.ms)}; cached: ${(r.devloop.up ?? [])
          .filter((x) => x.kind === 'cached')
          .map((x) => secs(x.ms))
          .join(', ')}.`,
      );
  return {
    markdown: out,
    goals: [
      tsx && tsNode
        ? synthGoal(tsx, tsNode, floor)
        : notMeasuredGoal(SYNTH_GOAL, 'the synth comparison with ts-node runs only in a full run with the developer loop'),
    ],
    notes,
  };
}
