/**
 * `npm run bench` options, parsed with node's util.parseArgs (strict: an unknown option or a missing
 * value is an error). Pure: the caller prints the error in one line and exits 2.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINE_KINDS, type EngineKind } from '../lib/local/engines/container-engine';
import { parseOnly, type SectionName } from './section-names';

export interface BenchOptions {
  /** Tiny durations, one round, no slow developer-loop parts; asserts every measurement produced numbers. */
  readonly quick: boolean;
  /** Where the report goes (default docs/, or a temporary directory with --quick; required with --only). */
  readonly out?: string;
  /** Write the report again from a run's results.json, measuring nothing. */
  readonly render?: string;
  /** The engine to measure; undefined: the one `secure-ecs local up` would pick. */
  readonly engine?: EngineKind;
  /** Only these sections (bench/section-names.ts); undefined: all. */
  readonly only?: SectionName[];
  /**
   * Measurement-only CPU pinning (bench/pinning.ts), off unless asked: it keeps the load generator off
   * the task's cores but hides the CFS quota stall the tail goal is about (see pinning.ts).
   */
  readonly pin: boolean;
}

const BENCH_USAGE = 'use --quick, --engine docker|podman, --out DIR, --only SECTION[,SECTION...] (with --out), --pin, --render RESULTS.json';

/** Parse the bench's arguments; throws an Error whose message is one line on bad input. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values: { quick?: boolean; out?: string; render?: string; engine?: string; only?: string; pin?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean' },
        out: { type: 'string' },
        render: { type: 'string' },
        engine: { type: 'string' },
        only: { type: 'string' },
        pin: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message.split('\n')[0]} (${BENCH_USAGE})`, { cause: e });
  }
  const engine = values.engine;
  if (engine !== undefined && !(ENGINE_KINDS as readonly string[]).includes(engine))
    throw new Error(`--engine must be one of ${ENGINE_KINDS.join(', ')}; received ${JSON.stringify(engine)}`);
  const only = values.only === undefined ? undefined : parseOnly(values.only);
  // A partial run must never replace a full run's report (docs/benchmarks/<engine>/, docs/benchmarks.md).
  if (only && values.out === undefined) throw new Error('--only needs --out DIR: a partial run never writes over docs/');
  return {
    quick: values.quick ?? false,
    out: values.out,
    render: values.render,
    engine: engine as EngineKind | undefined,
    only,
    pin: values.pin ?? false,
  };
}

/**
 * Where `--render` writes a run's report again: `--out`, or docs/ for a full run only. A quick or
 * partial (`--only`) run must not replace a full run's report there, as `--only` ensures for a
 * measuring run. Throws an Error whose message is one line. Pure.
 */
export function renderOutDir(results: { readonly mode?: string; readonly sections?: readonly string[] }, out: string | undefined, docsDir: string): string {
  const target = path.resolve(out ?? docsDir);
  const partial =
    results.sections !== undefined ? `a partial run (--only ${results.sections.join(',')})` : results.mode === 'quick' ? 'a quick run' : undefined;
  if (partial && target === path.resolve(docsDir)) throw new Error(`--render: ${partial} never writes over docs/, where the full runs are; give --out DIR`);
  return target;
}
