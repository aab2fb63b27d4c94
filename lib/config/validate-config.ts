import { z } from 'zod';
import { appConfigSchema, type AppConfig } from './app-config';

/**
 * Thrown for any invalid setting. The message names the setting, the value received and what is
 * allowed, one line per problem, so `cdk synth` output is enough to fix the configuration.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid secure-ecs configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(input: unknown, issue: z.core.$ZodIssue): string {
  const setting = issue.path.join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${setting}.` : '';
    return `${issue.keys.map((k) => `${where}${k}`).join(', ')}: unknown setting (check the spelling; README lists every setting)`;
  }
  const received = JSON.stringify(valueAt(input, issue.path));
  return `${setting}: received ${received ?? 'undefined'}; expected ${issue.message.replace(/^Invalid input: expected /, 'a ')}`;
}

/** Cross-field rules the schema cannot express on its own. */
function crossFieldProblems(c: AppConfig): string[] {
  const problems: string[] = [];
  const t = c.task;
  if (t.appMemoryMiB + t.proxyMemoryMiB > t.memoryMiB) {
    problems.push(
      `task.memoryMiB: received ${t.memoryMiB}; expected at least task.appMemoryMiB + task.proxyMemoryMiB = ` +
        `${t.appMemoryMiB} + ${t.proxyMemoryMiB} = ${t.appMemoryMiB + t.proxyMemoryMiB}`,
    );
  }
  if (t.appCpuShares + t.proxyCpuShares > t.cpu) {
    problems.push(
      `task.cpu: received ${t.cpu}; expected at least task.appCpuShares + task.proxyCpuShares = ${t.appCpuShares + t.proxyCpuShares}`,
    );
  }
  const s = c.service;
  if (s.minTasks > s.maxTasks) {
    problems.push(`service.minTasks: received ${s.minTasks}; expected at most service.maxTasks (${s.maxTasks})`);
  }
  if (s.desiredCount < s.minTasks || s.desiredCount > s.maxTasks) {
    problems.push(
      `service.desiredCount: received ${s.desiredCount}; expected between service.minTasks (${s.minTasks}) and service.maxTasks (${s.maxTasks})`,
    );
  }
  const h = c.hosts;
  if (h.minInstances > h.maxInstances) {
    problems.push(`hosts.minInstances: received ${h.minInstances}; expected at most hosts.maxInstances (${h.maxInstances})`);
  }
  if (c.network.natGateways > c.network.maxAzs) {
    problems.push(`network.natGateways: received ${c.network.natGateways}; expected at most network.maxAzs (${c.network.maxAzs})`);
  }
  const gravitonFamily = /^[a-z]+\d+g[a-z]*\./.test(h.instanceType);
  if (gravitonFamily !== (h.architecture === 'arm64')) {
    problems.push(
      `hosts.instanceType: received "${h.instanceType}"; expected ${h.architecture === 'arm64' ? 'a Graviton (…g…) type for architecture arm64' : 'an x86_64 type for architecture x86_64 (Graviton types need hosts.architecture "arm64")'}`,
    );
  }
  return problems;
}

/**
 * Apply defaults and validate. Throws {@link ConfigError} listing every problem at once.
 */
export function validateConfig(input: unknown): AppConfig {
  const parsed = appConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(input, issue)));
  }
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}
