/** `secure-ecs local status`: the task and each container (state, health, restarts), as a table or JSON. */
import Table from 'cli-table3';
import type { ContainerEngine, EngineKind } from '../engines/container-engine';
import { StateDir, type RunnerEvent, type RunnerState } from '../state';
import { isOurProcess } from './task-process';
import { engineOfTask, type CommonOptions } from './context';

export interface StatusReport {
  readonly task: string;
  readonly engine: EngineKind;
  readonly exists: boolean;
  readonly url?: string;
  readonly taskStatus: RunnerState['taskStatus'] | 'NONE';
  readonly stoppedReason?: string;
  readonly runner?: { readonly pid: number; readonly mode: RunnerState['mode']; readonly alive: boolean };
  readonly containers: {
    readonly name: string;
    readonly containerName: string;
    readonly image?: string;
    readonly status: string;
    readonly health: string;
    readonly restarts: number;
    readonly exitCode?: number;
    readonly startedAt?: string;
  }[];
  readonly events: RunnerEvent[];
  /** The RDS stand-in (outside the task), when the template has a database. */
  readonly standin?: { readonly containerName: string; readonly engine: string; readonly address: string; readonly status: string; readonly volume: string };
}

async function statusReport(engine: ContainerEngine, taskName: string): Promise<StatusReport> {
  const stateDir = new StateDir(taskName);
  const plan = stateDir.readPlan();
  const st = stateDir.readState();
  const exists = (await engine.taskExists(taskName)) === 'ours';
  const alive = st ? isOurProcess(st.pid, taskName) : false;
  const states = await engine.inspectContainers((plan?.containers ?? []).map((c) => c.containerName));
  const containers = (plan?.containers ?? []).map((c) => {
    const d = states.get(c.containerName);
    const status = d?.status ?? 'missing';
    const runnerView = st?.containers[c.name];
    return {
      name: c.name,
      containerName: c.containerName,
      image: d?.image || c.image,
      status,
      // The runner's health view includes exited containers; without a runner, ask the engine.
      health:
        runnerView && (alive || st?.taskStatus === 'STOPPED')
          ? runnerView.health
          : c.health
            ? status === 'running'
              ? 'UNKNOWN (no runner)'
              : 'UNHEALTHY'
            : 'NONE',
      restarts: runnerView?.restarts ?? 0,
      exitCode: !d || status === 'running' || status === 'created' ? undefined : d.exitCode,
      startedAt: d?.startedAt ? new Date(d.startedAt).toISOString() : undefined,
    };
  });
  const standinState = plan?.standin ? (await engine.inspectContainers([plan.standin.containerName])).get(plan.standin.containerName) : undefined;
  const taskStatus: StatusReport['taskStatus'] = !exists ? 'NONE' : alive ? (st?.taskStatus ?? 'PENDING') : 'STOPPED';
  return {
    task: taskName,
    engine: engine.info.kind,
    exists,
    url: plan?.url,
    taskStatus,
    stoppedReason:
      exists && !alive && st?.taskStatus !== 'STOPPED'
        ? 'no runner is supervising the task (it was killed); `secure-ecs local down` cleans up'
        : st?.stoppedReason,
    runner: st ? { pid: st.pid, mode: st.mode, alive } : undefined,
    containers,
    events: stateDir.readEvents().events.slice(-50),
    standin: plan?.standin && { ...plan.standin, status: standinState?.status ?? 'missing' },
  };
}

export async function status(o: CommonOptions & { json: boolean }): Promise<number> {
  const engine = await engineOfTask(o, new StateDir(o.taskName));
  const report = await statusReport(engine, o.taskName);
  if (o.json) {
    o.out.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  if (!report.exists) {
    o.out.write(`No local task ${o.taskName} on ${engine.info.kind}. Start one with \`secure-ecs local up\`.\n`);
    return 0;
  }
  o.out.write(
    `Task ${report.task} on ${report.engine}: ${report.taskStatus}${report.url ? ` at ${report.url}` : ''}${report.runner ? ` (${report.runner.mode} runner pid ${report.runner.pid}${report.runner.alive ? '' : ', not running'})` : ''}\n`,
  );
  if (report.stoppedReason) o.out.write(`  ${report.taskStatus === 'STOPPED' ? 'stopped' : 'note'}: ${report.stoppedReason}\n`);
  const table = new Table({ head: ['CONTAINER', 'STATUS', 'HEALTH', 'RESTARTS', 'UP SINCE', 'IMAGE'], style: { head: [], border: [] } });
  for (const c of report.containers) {
    table.push([
      c.name,
      c.exitCode !== undefined ? `${c.status} (${c.exitCode})` : c.status,
      c.health,
      String(c.restarts),
      c.startedAt ?? '',
      (c.image ?? '').replace(/:(.{12}).*/, ':$1…'),
    ]);
  }
  o.out.write(`${table.toString()}\n`);
  const db = report.standin;
  if (db) o.out.write(`RDS stand-in (outside the task): ${db.engine} ${db.containerName} ${db.status} at ${db.address}, data in volume ${db.volume}\n`);
  return 0;
}
