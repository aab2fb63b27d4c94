import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { appConfigSchema } from '../lib/config/app-config';
import Docker from 'dockerode';
import { DockerEngine } from '../lib/local/engines/docker/engine';
import { TASK_LABEL_KEY } from '../lib/local/labels';
import { REPO_ROOT } from './helpers/synth';
import { engineInfo, fieldsOn, synthesizedTask } from './local/helpers/field-report';

interface Leaf {
  path: string;
  schema: {
    default?: unknown;
    type?: string;
    minimum?: number;
    maximum?: number;
    enum?: unknown[];
    maxItems?: number;
    prefixLength?: { minimum: number; maximum: number };
  };
}

function leaves(schema: any, prefix = ''): Leaf[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, sub]: [string, any]) => {
    const p = prefix ? `${prefix}.${key}` : key;
    return sub.type === 'object' ? leaves(sub, p) : [{ path: p, schema: sub }];
  });
}

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const settings = leaves(z.toJSONSchema(appConfigSchema, { io: 'input' }));
/** The settings table's columns for a setting: default, allowed values. */
function row(setting: string): { default: string; allowed: string } {
  const line = readme.split('\n').find((l) => l.startsWith(`| \`${setting}\` |`));
  if (!line) throw new Error(`README has no settings-table row for ${setting}`);
  const cells = line.split('|');
  return { default: cells[2], allowed: cells[3] };
}

/** What the README's "Allowed" column must say for a setting, from its JSON Schema. */
function allowedPhrases({ schema }: Leaf): string[] {
  if (schema.type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined) return [`${schema.minimum} to ${schema.maximum}`];
  if (schema.enum) return schema.enum.every((v) => typeof v === 'number') ? [schema.enum.join(', ')] : schema.enum.map((v) => `\`${String(v)}\``);
  if (schema.type === 'boolean') return ['`true`', '`false`'];
  if (schema.maxItems !== undefined) return [`at most ${schema.maxItems}`];
  if (schema.prefixLength) return [`/${schema.prefixLength.minimum} to /${schema.prefixLength.maximum}`];
  return [];
}

test.each(settings.map((s) => [s.path, s]))('README documents %s with its default and allowed values', (_p, setting) => {
  const { default: documented, allowed } = row(setting.path);
  if (setting.schema.default !== undefined) expect(documented).toContain(`\`${String(setting.schema.default)}\``);
  for (const phrase of allowedPhrases(setting)) expect(allowed).toContain(phrase);
});

test('the table states the range of every numeric and enumerated setting', () => {
  const checked = settings.filter((s) => allowedPhrases(s).length > 0).map((s) => s.path);
  expect(checked).toEqual(expect.arrayContaining(['network.vpcCidr', 'network.maxAzs', 'hosts.additionalInstanceTypes', 'edge.wafRequestsPer5Minutes']));
});

test('the README quick start is the two commands CI runs', () => {
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toContain('npm test');
  const ci = readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
  expect(ci).toMatch(/npm ci\b/);
  expect(ci).toMatch(/npm start/);
  expect(ci).toMatch(/npm test/);
});

/** The README paragraph that begins with `start`. */
const paragraph = (start: string) => {
  const from = readme.indexOf(start);
  expect(from).toBeGreaterThanOrEqual(0);
  return readme.slice(from, readme.indexOf('\n\n', from));
};

test("the README's fields not honoured locally are those `up` reports on an engine that honours every limit", () => {
  const fields = fieldsOn(new DockerEngine(new Docker(), engineInfo('docker'), TASK_LABEL_KEY), synthesizedTask(), '172.17.0.1');
  const reported = new Set(fields.filter((f) => f.outcome === 'not-honoured').map((f) => f.path.split('.').slice(1).join('.')));
  const listed = new Set([...paragraph('Not honoured anywhere locally').matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1]));
  expect(listed).toEqual(reported);
  // The hosts' task PIDs limit is honoured, and the README lists it with what is.
  expect(fields.find((f) => f.path === 'host.ECS_TASK_PIDS_LIMIT')?.outcome).toBe('honoured');
  expect(paragraph('Every field of the task definition is reported')).toContain('`ECS_TASK_PIDS_LIMIT`');
});
