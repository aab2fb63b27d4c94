import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { HEALTH_CHECK_SCHEDULE } from '../lib/constructs/hardened-task-definition';
import { containerDefinitions, REPO_ROOT, synth } from './helpers/synth';

/** The HEALTHCHECK flags of a Dockerfile, in seconds (`--interval=10s` → interval: 10). */
function imageHealthCheck(dockerfile: string): Record<string, number> {
  const instructions = DockerfileParser.parse(readFileSync(dockerfile, 'utf8')).getInstructions();
  const checks = instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK');
  expect(checks).toHaveLength(1);
  const flags: Record<string, number> = {};
  for (const flag of (checks[0] as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags()) {
    const value = flag.getValue() ?? '';
    expect([flag.getName(), value]).toEqual([flag.getName(), expect.stringMatching(/^\d+s?$/)]);
    flags[flag.getName()] = Number(value.replace(/s$/, ''));
  }
  return flags;
}

// GIVEN the default configuration's template
const containers = containerDefinitions(synth().template);

describe.each(['app', 'proxy'] as const)('the %s image and the task definition probe on one schedule', (name) => {
  test("the HEALTHCHECK line of the image has the task definition's interval, timeout, retries and start period", () => {
    const image = imageHealthCheck(path.join(REPO_ROOT, 'containers', name, 'Dockerfile'));
    const task = containers[name].HealthCheck;
    // --start-interval stays out: Debian 12's Docker 20.10 and podman 4.3 builders reject it, and ECS
    // cannot set it either (aws/containers-roadmap#2473).
    expect(image).toEqual({ interval: task.Interval, timeout: task.Timeout, retries: task.Retries, 'start-period': task.StartPeriod });
    const s = HEALTH_CHECK_SCHEDULE[name];
    expect(task).toEqual(
      expect.objectContaining({ Interval: s.intervalSeconds, Timeout: s.timeoutSeconds, Retries: s.retries, StartPeriod: s.startPeriodSeconds }),
    );
  });
});

describe('the schedule under Docker 25 (ECS-optimized AL2023): first probe one Interval after the start', () => {
  const { app, proxy } = HEALTH_CHECK_SCHEDULE;
  test("the two intervals differ, so the containers' probes do not keep landing in the same CFS period", () => {
    expect(app.intervalSeconds).not.toBe(proxy.intervalSeconds);
  });
  test.each(Object.entries(HEALTH_CHECK_SCHEDULE))(
    '%s: the first probe falls in the start period and the second does not, so it is HEALTHY one Interval after a quick start and counted as failing from the second probe',
    (_, s) => {
      expect(s.intervalSeconds).toBeLessThan(s.startPeriodSeconds);
      expect(2 * s.intervalSeconds).toBeGreaterThanOrEqual(s.startPeriodSeconds);
      // UNHEALTHY within a minute when it never answers: the first probe is forgiven, the next `retries` count.
      expect((1 + s.retries) * s.intervalSeconds + s.timeoutSeconds).toBeLessThanOrEqual(60);
    },
  );
});
