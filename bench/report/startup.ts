/**
 * Section 7: start-up and recovery: a cached `local up` to its first 200 and to HEALTHY,
 * the time to HEALTHY the template's health settings give a task on ECS, and a crashed app until it
 * serves again. Each part says "not measured" when the run has none.
 */
import { secs, table } from '../format';
import { crashRecoveryGoal, ecsHealthGoal, startupGoal } from '../goals';
import type { Results } from '../results';
import type { Section } from './section';

const notMeasured = (what: string) => [`${what}: not measured in this run.`, ''];

function startupMarkdown(s: Results['startup']): string[] {
  if (!s?.runs.length) return notMeasured('Cached start');
  return [
    `Cached start, \`${s.command}\`: **serving** is the first HTTP 200 through the proxy, **HEALTHY** every container HEALTHY, both from the command's start.`,
    '',
    table(
      ['run', 'serving (first 200)', 'HEALTHY'],
      s.runs.map((x, i) => [i + 1, secs(x.servingMs), secs(x.healthyMs)]),
    ),
    '',
  ];
}

function ecsMarkdown(e: Results['ecsHealth']): string[] {
  if (!e) return notMeasured('Time to HEALTHY on ECS');
  return [
    `Time to HEALTHY on ECS, from the template's health settings under Docker 25's probe schedule (the first probe one interval after the container starts; ECS task definitions cannot set a start interval): **${e.secondsToHealthy} s**; ${e.dependsOn}.`,
    '',
    table(
      ['container', 'interval s', 'start period s', 'retries'],
      e.containers.map((c) => [c.name, c.intervalS, c.startPeriodS, c.retries]),
    ),
    '',
  ];
}

function crashMarkdown(c: Results['crashRecovery']): string[] {
  if (!c?.runs.length) return notMeasured('Crash recovery');
  return [
    `Crash recovery (${c.how}): from the kill until the proxy serves 200 again, and until the app is HEALTHY again.`,
    '',
    table(
      ['run', 'serving again', 'HEALTHY again'],
      c.runs.map((x, i) => [i + 1, secs(x.servingAgainMs), x.healthyAgainMs === undefined ? 'not measured' : secs(x.healthyAgainMs)]),
    ),
    '',
  ];
}

export function startupSection(r: Results): Section {
  return {
    markdown: ['## 7. Start-up and crash recovery', '', ...startupMarkdown(r.startup), ...ecsMarkdown(r.ecsHealth), ...crashMarkdown(r.crashRecovery)],
    goals: [startupGoal(r.startup), ecsHealthGoal(r.ecsHealth), crashRecoveryGoal(r.crashRecovery)],
    notes: [],
  };
}
