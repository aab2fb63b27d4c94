/**
 * The host's CPU time as /proc/stat counts it (proc(5): the first line, `cpu`, in USER_HZ ticks):
 * steal (field 8: time a virtual CPU waited while the hypervisor ran something else) and the total.
 * On a shared VM without steal-time accounting in the scheduler, stolen time still counts against a
 * cgroup's CFS quota (the kernel subtracts steal from the CFS clock only with CONFIG_PARAVIRT_TIME_ACCOUNTING: update_rq_clock_task in kernel/sched/core.c), so a level's steal explains throttling
 * its load alone would not cause. Idle (fields 4 and 5: idle and iowait) says whether the machine
 * itself ran out of CPU: the task, the load generator and the engine's own processes share it.
 */
import { readFileSync } from 'node:fs';

export interface HostTicks {
  readonly steal: number;
  /** idle + iowait. */
  readonly idle: number;
  /** user + nice + system + idle + iowait + irq + softirq + steal (guest time is already inside user and nice). */
  readonly total: number;
}

/** Parse the aggregate `cpu` line of /proc/stat. Pure. */
export function parseProcStat(text: string): HostTicks {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  const fields = line?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  if (fields.length < 8 || fields.slice(0, 8).some((n) => !Number.isFinite(n))) throw new Error('/proc/stat: no aggregate cpu line with at least 8 counters');
  return { steal: fields[7], idle: fields[3] + fields[4], total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
}

export function readHostTicks(): HostTicks {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'));
}

/** Steal, idle and total ticks between two readings, in the results' shape. Pure. */
export function stealDelta(a: HostTicks, b: HostTicks): { ticks: number; totalTicks: number; idleTicks: number } {
  return { ticks: b.steal - a.steal, totalTicks: b.total - a.total, idleTicks: b.idle - a.idle };
}
