/**
 * What every section of a bench run shares: the prepared task, the engine, the run's configuration,
 * the progress reporter, the work directory and the tasks being stopped in the background.
 */
import type { ContainerEngine } from '../lib/local/engines/container-engine';
import type { Reporter } from '../lib/local/progress';
import type { BenchConfig } from './config';
import type { PacedOptions } from './paced';
import { cpusetMatches, readCpuset, type CpusetReadBack } from './pinning';
import { prepareWithSettings } from './settings-variant';
import { startTask, type BenchTask, type RunningTask, type Variant } from './tasks';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { composeChanges, withProxyTemplate, type TaskChange } from './variants';
import { targetUrl, type LoadTarget, type LoadTargetRecord } from './load-target';

/** The client identity of the closed-loop load (RFC 2544 benchmark range, as test/e2e uses). */
export const LOAD_CLIENT = '198.18.100.1';
/** The open-loop HTTP client's keep-alive connections at most (bench/paced.ts): `pacedOptions`, and the limiter's flood below the connection limit. */
export const PACED_SOCKETS = 16;
/** Raised limit for the cost measurements (the renderer's maximum): one client is never limited, limit_req still runs. */
export const EXEMPT_RATE = '100000';
/**
 * Raised burst, with the rate: nginx's limit_req drains the burst by the milliseconds between two
 * requests on its cached clock (ngx_http_limit_req_module.c, ngx_http_limit_req_lookup: `excess =
 * lr->excess - ctx->rate * ms / 1000 + 1000`), so requests within one tick all count against the
 * burst whatever the rate. With the template's 20, a load of 15,000 req/s got a few 429s on a fast
 * machine (the CI run of 2026-12-07: 86 in 15 s).
 */
export const EXEMPT_BURST = '100000';
export const EXEMPT_ENV: Variant['env'] = {
  RATE_LIMIT_PER_SECOND: { value: EXEMPT_RATE, reason: 'bench: raised so the one load client is never limited (limit_req still runs on every request)' },
  RATE_LIMIT_BURST: { value: EXEMPT_BURST, reason: 'bench: raised with the rate (limit_req counts the requests of one millisecond against the burst)' },
};

export class BenchContext {
  private readonly stops: Promise<void>[] = [];

  constructor(
    readonly task: BenchTask,
    readonly config: BenchConfig,
    readonly quick: boolean,
    readonly reporter: Reporter,
    readonly work: string,
    /** The wrk script that counts non-2xx responses (wrk.ts). */
    readonly wrkScript: string,
    /** A change every variant gets first (quick mode on an engine that schedules probes itself: short intervals). */
    private readonly everyVariant?: Variant['change'],
    /** Measurement-only pinning (bench/pinning.ts): the CPUs every task runs on; unset, unpinned. */
    readonly taskCpus?: string,
  ) {}

  /** What the first task's containers read back for their cpuset (bench/pinning.ts), by container. */
  readonly cpusetReadBack: Record<string, CpusetReadBack & { readonly task: string }> = {};
  /** Tasks whose every container read back the cpuset asked for. */
  cpusetCheckedTasks = 0;
  /** Where the load went (bench/load-target.ts): the first task's target, and how many tasks took each path. */
  loadTargets: LoadTargetRecord | undefined;

  get engine(): ContainerEngine {
    return this.task.prepared.engine;
  }

  /** The proxy with `text` as its nginx template: written to `<work>/<id>.nginx.conf.template` and mounted over the image's. */
  proxyTemplateChange(id: string, text: string): TaskChange {
    const file = path.join(this.work, `${id}.nginx.conf.template`);
    writeFileSync(file, text, { mode: 0o644 });
    return withProxyTemplate(this.task.proxy, file, this.task.proxyTemplate.pathInImage);
  }

  /**
   * Start a variant. Where the runner schedules the probes (podman), they run every second (250 ms in
   * quick mode) during the health start period instead of one Interval apart as on an ECS host: the
   * bench measures running tasks, and with 30 s probes each start would wait a minute. Steady-state
   * probes keep the definition's Interval.
   */
  async start(v: Variant): Promise<RunningTask> {
    const first = this.everyVariant;
    const change = first && v.change ? composeChanges(first, v.change) : (first ?? v.change);
    const t = await startTask(
      await this.taskFor(v),
      { ...v, change },
      { reporter: this.reporter, startPeriodProbeMs: this.quick ? 250 : 1000, cpuset: this.taskCpus },
    );
    this.recordTarget(t);
    if (this.taskCpus !== undefined) {
      try {
        await this.checkCpuset(t, this.taskCpus);
      } catch (e) {
        await t.stop().catch(() => undefined);
        throw e;
      }
    }
    return t;
  }

  private recordTarget(t: RunningTask): void {
    const r = (this.loadTargets ??= { first: { ...t.target, task: t.name }, tasks: {} });
    r.tasks[t.target.via] = (r.tasks[t.target.via] ?? 0) + 1;
    // Once per run: the reason is the engine's or the task's, the same for every task.
    if (t.target.via === 'published port' && r.tasks['published port'] === 1)
      this.reporter.warn(`${t.name}: load goes to the published port ${targetUrl(t.target)}: ${t.target.why}`);
  }

  /**
   * Every container of a pinned task runs on the task's CPUs: its cpuset cgroup and its main
   * process's affinity read back from the host (a pin the engine dropped fails the run).
   */
  private async checkCpuset(t: RunningTask, want: string): Promise<void> {
    for (const [name, engineName] of Object.entries(t.containerNames)) {
      const pid = Number((await this.engine.inspectRaw(engineName))?.State?.Pid);
      if (!(pid > 0)) throw new Error(`cpuset of ${engineName}: no running main process to read it from`);
      const got = readCpuset(pid, this.engine.info.cgroupVersion);
      if (!cpusetMatches(got, want))
        throw new Error(`cpuset of ${engineName}: ${got.file} reads ${got.cgroupCpus} and its main process may run on ${got.processCpus}, not on CPUs ${want}`);
      if (!this.cpusetReadBack[name]) {
        this.cpusetReadBack[name] = { ...got, task: t.name };
        this.reporter.info(`cpuset of ${engineName}: ${got.file} = ${got.cgroupCpus}, main process Cpus_allowed_list ${got.processCpus}`);
      }
    }
    this.cpusetCheckedTasks++;
  }

  private readonly withSettings = new Map<string, Promise<BenchTask>>();

  /** The template's prepared task, or for a variant with settings its own assembly, prepared once per run. */
  private taskFor(v: Variant): Promise<BenchTask> {
    if (!v.settings) return Promise.resolve(this.task);
    const key = JSON.stringify(v.settings.values);
    let t = this.withSettings.get(key);
    if (!t) {
      t = prepareWithSettings({
        work: this.work,
        n: this.withSettings.size + 1,
        values: v.settings.values,
        engine: this.engine.info.kind,
        reporter: this.reporter,
      });
      this.withSettings.set(key, t);
    }
    return t;
  }

  /** Stop a measured task while the next one starts (starting is mostly waiting for health checks). */
  stopInBackground(t: RunningTask): void {
    this.stops.push(t.stop().catch((e) => this.reporter.warn(`stopping ${t.name}: ${(e as Error).message}`)));
  }

  async stopped(): Promise<void> {
    await Promise.all(this.stops);
  }

  /** The open-loop client (bench/paced.ts) against a task's load target as the load client, over at most PACED_SOCKETS connections. */
  pacedOptions(target: LoadTarget, ratePerS: number, durationS: number): PacedOptions {
    return { host: target.host, port: target.port, path: '/', ratePerS, durationS, client: LOAD_CLIENT, maxSockets: PACED_SOCKETS };
  }

  /** wrk against a task's load target (bench/load-target.ts) as the load client. */
  wrkOptions(target: LoadTarget, durationS: number) {
    return {
      url: targetUrl(target),
      connections: this.config.connections,
      threads: this.config.threads,
      headers: { 'X-Forwarded-For': LOAD_CLIENT },
      script: this.wrkScript,
      durationS,
    };
  }
}
