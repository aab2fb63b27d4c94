import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { appConfigSchema } from '../lib/config/app-config';
import { REPO_ROOT } from './helpers/synth';

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
