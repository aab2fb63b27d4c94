import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './validate-config';
import { isObject } from '../util/is-object';

/** cdk.json context key that holds the configuration object. */
const CONFIG_CONTEXT_KEY = 'secure-ecs';
/** Context key naming an optional JSON file of settings (`cdk synth -c configFile=prod.json`). */
const CONFIG_FILE_CONTEXT_KEY = 'configFile';

type Json = Record<string, unknown>;

/** Deep merge of plain objects; later sources win (lists are replaced, not concatenated). */
export function mergeSettings(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isObject(value) && isObject(out[key]) ? mergeSettings(out[key] as Json, value) : value;
  }
  return out;
}

/** The two sources of settings, before they are merged: the context object and the file, if any. */
export interface ConfigLayers {
  /** The `secure-ecs` context object from cdk.json or `-c`. */
  readonly context: Json;
  /** The JSON file named by the `configFile` context; empty without one. */
  readonly file: Json;
}

/**
 * Read the `secure-ecs` context object and the JSON file named by the `configFile` context, each
 * checked to be an object of settings, without merging them (lib/config/resolve-config.ts puts the
 * selected environment between the two).
 */
export function loadConfigLayers(tryGetContext: (key: string) => unknown): ConfigLayers {
  let raw = tryGetContext(CONFIG_CONTEXT_KEY) ?? {};
  if (typeof raw === 'string') {
    // `cdk synth -c secure-ecs='{"rateLimit":{...}}'` passes a string.
    try {
      raw = JSON.parse(raw);
    } catch (e) {
      throw new ConfigError([`context ${CONFIG_CONTEXT_KEY}: received a string that is not JSON (${(e as Error).message})`]);
    }
  }
  if (!isObject(raw)) {
    throw new ConfigError([`context ${CONFIG_CONTEXT_KEY}: received ${JSON.stringify(raw)}; expected an object of settings`]);
  }
  const file = tryGetContext(CONFIG_FILE_CONTEXT_KEY);
  if (file === undefined) return { context: raw, file: {} };
  if (typeof file !== 'string' || file === '') {
    throw new ConfigError([`context ${CONFIG_FILE_CONTEXT_KEY}: received ${JSON.stringify(file)}; expected a path to a JSON file`]);
  }
  let fromFile: unknown;
  try {
    fromFile = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError([`context ${CONFIG_FILE_CONTEXT_KEY}: cannot read "${file}" as JSON (${(e as Error).message})`]);
  }
  if (!isObject(fromFile)) {
    throw new ConfigError([`${file}: expected a JSON object of settings; received ${JSON.stringify(fromFile)}`]);
  }
  return { context: raw, file: fromFile };
}

/**
 * Collect the raw (unvalidated) configuration: the `secure-ecs` context object from cdk.json or
 * `-c`, overlaid by the JSON file named by the `configFile` context, if any.
 */
export function loadRawConfig(tryGetContext: (key: string) => unknown): unknown {
  const { context, file } = loadConfigLayers(tryGetContext);
  return mergeSettings(context, file);
}

/** The `context` of a project's cdk.json: what the CDK CLI hands to bin/app.ts. */
export function readCdkJsonContext(projectDir: string): Record<string, unknown> {
  const file = path.join(projectDir, 'cdk.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')).context ?? {};
  } catch (e) {
    throw new ConfigError([`cannot read ${file}: ${(e as Error).message}`]);
  }
}
