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
  default: unknown;
}

function leaves(schema: any, prefix = ''): Leaf[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, sub]: [string, any]) => {
    const p = prefix ? `${prefix}.${key}` : key;
    return sub.type === 'object' ? leaves(sub, p) : [{ path: p, default: sub.default }];
  });
}

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const settings = leaves(z.toJSONSchema(appConfigSchema, { io: 'input' }));

test.each(settings.map((s) => [s.path, s]))('README documents %s with its default', (_p, setting) => {
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${setting.path}\` |`));
  expect(row).toBeDefined();
  if (setting.default !== undefined) {
    expect(row!.split('|')[2]).toContain(`\`${String(setting.default)}\``);
  }
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
