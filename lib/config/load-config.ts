import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { jsonErrorPlace } from '../input/json-text';
import { ConfigError, describeReceived } from './validate-config';
import { isObject } from '../util/is-object';

/** cdk.json context key that holds the configuration object. */
const CONFIG_CONTEXT_KEY = 'secure-ecs';
/** Context key naming an optional JSON file of settings (`cdk synth -c configFile=prod.json`). */
const CONFIG_FILE_CONTEXT_KEY = 'configFile';

type Json = Record<string, unknown>;

/**
 * Keys that are no setting and that a merge must never assign: `out["__proto__"] = v` replaces the
 * object's prototype, so zod would read settings through it that no check had seen as keys.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every forbidden key anywhere in `value`, as a problem line naming where it sits. Iterative, so a
 * deeply nested file cannot overflow the stack.
 */
function forbiddenKeyProblems(value: unknown, source: string): string[] {
  const problems: string[] = [];
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [v, at] = pending.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    for (const [key, child] of Object.entries(v)) {
      const where = Array.isArray(v) ? `${at}.${key}` : at ? `${at}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) problems.push(`${source}: ${where}: "${key}" is not allowed as a setting name (it is an object's internals in JavaScript)`);
      else pending.push([child, where]);
    }
  }
  return problems.sort();
}

/**
 * Parse JSON text, or refuse it with one line naming `what` and where the text is malformed (line
 * and column, never the text around it). JSON.parse is tried first: it reads any depth, while
 * jsonc-parser (used only to locate the error) recurses and can overflow on a deeply nested file.
 */
function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The shared reader refuses nesting past MAX_JSON_DEPTH before jsonc-parser recurses, so it always locates the error.
    throw new ConfigError([`${what} is not valid JSON (${jsonErrorPlace(text) ?? 'position unknown'})`]);
  }
}

/** Deep merge of plain objects; later sources win (lists are replaced, not concatenated). */
export function mergeSettings(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // Refused by loadConfigLayers; defineProperty keeps even an unchecked "__proto__" an own key.
    const merged = isObject(value) && isObject(out[key]) ? mergeSettings(out[key] as Json, value) : value;
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
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
  let raw: unknown = tryGetContext(CONFIG_CONTEXT_KEY) ?? {};
  if (typeof raw === 'string') {
    // `cdk synth -c secure-ecs='{"rateLimit":{...}}'` passes a string.
    raw = parseJsonText(raw, `context ${CONFIG_CONTEXT_KEY}: the string received`);
  }
  if (!isObject(raw)) {
    throw new ConfigError([`context ${CONFIG_CONTEXT_KEY}: received ${describeReceived(raw)}; expected an object of settings`]);
  }
  const contextProblems = forbiddenKeyProblems(raw, `context ${CONFIG_CONTEXT_KEY}`);
  if (contextProblems.length > 0) throw new ConfigError(contextProblems);
  const file = tryGetContext(CONFIG_FILE_CONTEXT_KEY);
  if (file === undefined) return { context: raw, file: {} };
  if (typeof file !== 'string' || file === '') {
    throw new ConfigError([`context ${CONFIG_FILE_CONTEXT_KEY}: received ${describeReceived(file)}; expected a path to a JSON file`]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`context ${CONFIG_FILE_CONTEXT_KEY}: cannot read "${file}" (${(e as Error).message})`]);
  }
  const fromFile = parseJsonText(text, `context ${CONFIG_FILE_CONTEXT_KEY}: "${file}"`);
  if (!isObject(fromFile)) {
    throw new ConfigError([`${file}: expected a JSON object of settings; received ${describeReceived(fromFile)}`]);
  }
  const fileProblems = forbiddenKeyProblems(fromFile, file);
  if (fileProblems.length > 0) throw new ConfigError(fileProblems);
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`cannot read ${file} (${(e as Error).message})`]);
  }
  const cdkJson = parseJsonText(text, file);
  const context = isObject(cdkJson) ? (cdkJson.context ?? {}) : undefined;
  if (!isObject(context)) throw new ConfigError([`${file}: "context": received ${describeReceived(context)}; expected an object of context values`]);
  return context;
}
