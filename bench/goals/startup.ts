/**
 * Goals of start-up and recovery (a task that serves in seconds, as ECS restarts and scales it): a cached `local up` serving and HEALTHY quickly, a task
 * on ECS HEALTHY quickly under Docker 25's probe schedule, and a crashed app serving again quickly.
 * Each reads an optional part of the results and says "not measured" when the run has none.
 */
import { f, median, range, secs } from '../format';
import type { Results } from '../results';
import { notMeasuredGoal, type Goal } from './goal';

const notMeasured = (name: string, goal: string, what: string): Goal => notMeasuredGoal({ name, goal }, what);

/** Cached `local up`: first 200 through the proxy within `servingS` and every container HEALTHY within `healthyS` (medians over the runs). */
export function startupGoal(startup: Results['startup'], servingS = 5, healthyS = 15): Goal {
  const name = 'Cached start: first 200 / HEALTHY';
  const goal = `<= ${servingS} s / <= ${healthyS} s`;
  if (!startup?.runs.length) return notMeasured(name, goal, 'no cached `local up` timed to its first 200 and to HEALTHY');
  const serving = startup.runs.map((x) => x.servingMs / 1000);
  const healthy = startup.runs.map((x) => x.healthyMs / 1000);
  const servingOk = median(serving) <= servingS;
  const healthyOk = median(healthy) <= healthyS;
  const slow = [...serving.filter((x) => x > servingS), ...healthy.filter((x) => x > healthyS)].length;
  return {
    name,
    result: `${f(median(serving), 1)} s / ${f(median(healthy), 1)} s (medians of ${startup.runs.length}; first 200 ${range(serving)} s, HEALTHY ${range(healthy)} s)`,
    goal,
    met: servingOk && healthyOk,
    reason:
      servingOk && healthyOk
        ? slow
          ? `Met by the medians, but ${slow} of ${startup.runs.length * 2} times alone would miss it.`
          : undefined
        : [
            servingOk ? '' : `the first 200 came after ${f(median(serving), 1)} s (goal ${servingS} s)`,
            healthyOk ? '' : `every container was HEALTHY after ${f(median(healthy), 1)} s (goal ${healthyS} s)`,
          ]
            .filter(Boolean)
            .join('; '),
  };
}

/** A task on ECS HEALTHY within `limitS` seconds, from the template's health settings under Docker 25's probe rules. */
export function ecsHealthGoal(ecsHealth: Results['ecsHealth'], limitS = 15): Goal {
  const name = 'ECS task start to HEALTHY (template health settings, Docker 25 rules)';
  const goal = `<= ${limitS} s`;
  if (!ecsHealth) return notMeasured(name, goal, "the template's health settings were not read");
  const met = ecsHealth.secondsToHealthy <= limitS;
  const settings = ecsHealth.containers.map((c) => `${c.name}: interval ${c.intervalS} s, start period ${c.startPeriodS} s, retries ${c.retries}`).join('; ');
  return {
    name,
    result: `${f(ecsHealth.secondsToHealthy, 0)} s (${settings}; ${ecsHealth.dependsOn})`,
    goal,
    met,
    reason: met
      ? undefined
      : `Docker 25 runs a container's first probe one interval after it starts (ECS cannot set a start interval), so each container on the dependency chain waits at least one interval: ${settings}`,
  };
}

/** The app's main process OOM-killed: the proxy serves 200 again within `limitS` seconds (median over the runs). */
export function crashRecoveryGoal(crash: Results['crashRecovery'], limitS = 15): Goal {
  const name = 'Crashed app serving again';
  const goal = `<= ${limitS} s`;
  if (!crash?.runs.length) return notMeasured(name, goal, 'no crash of the app timed to the next 200');
  const again = crash.runs.map((x) => x.servingAgainMs);
  const healthy = crash.runs.flatMap((x) => (x.healthyAgainMs === undefined ? [] : [x.healthyAgainMs]));
  const met = median(again) / 1000 <= limitS;
  return {
    name,
    result:
      `${secs(median(again))} (median of ${again.length}: ${again.map(secs).join(', ')}` +
      `${healthy.length ? `; HEALTHY again ${secs(median(healthy))}` : ''}; ${crash.how})`,
    goal,
    met,
    reason: met ? undefined : `the proxy served 200 again ${secs(median(again))} after the app's main process was killed`,
  };
}
