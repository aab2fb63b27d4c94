/**
 * The two CPU floors a request through the task cannot go below: php-fpm answering the request nginx
 * sends, from a FastCGI client in the task's network namespace (nginx not involved), and nginx
 * answering `return 200` itself (php-fpm not involved). Each closed loop, at its own saturation (the
 * goal's floors), and then open loop at the template task's saturation rate: the more requests share
 * a wakeup the less each costs, so a floor reached at several times the task's rate is cheaper per
 * request than the same work at the task's rate (latency-and-start.md §3.5, "measure the floor at the
 * template's saturation rate").
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../cli';
import type { BenchContext } from '../context';
import { EXEMPT_ENV } from '../context';
import { fastcgiAddressOf, socketPathOf } from '../fastcgi-levers';
import type { FastcgiLoadResult } from '../fastcgi-load';
import { containerCpuNs, cpuDelta, taskCpu } from '../footprint';
import { paced } from '../paced';
import { templateReturning200 } from '../proxy-template';
import type { Results } from '../results';
import type { RunningTask } from '../tasks';
import { runWrk } from '../wrk';

/** Fewer kept-open connections than pm.max_children (6): a php-fpm worker serves one connection at a time. */
const FASTCGI_CONNECTIONS = 4;
/** `run`'s result, with a container's and the task's CPU over it per request `answered` counts. */
async function withCpuPerRequest<T>(
  ctx: BenchContext,
  taskName: string,
  containerName: string,
  run: () => Promise<T>,
  answered: (result: T) => number,
): Promise<{ result: T; containerUs: number; podUs: number }> {
  const [task0, c0] = [await taskCpu(ctx.engine, taskName), await containerCpuNs(ctx.engine, containerName)];
  const result = await run();
  const [task1, c1] = [await taskCpu(ctx.engine, taskName), await containerCpuNs(ctx.engine, containerName)];
  const n = answered(result);
  return { result, containerUs: (c1 - c0) / 1000 / n, podUs: cpuDelta(task0, task1).usageNs / 1000 / n };
}

/**
 * The client's arguments for where the template's php-fpm listens (the proxy's APP_FASTCGI_ADDRESS):
 * its unix socket, reached from the host through the app's root (/proc/<pid>/root; the client runs in
 * the host's mount namespace), or its TCP port on 127.0.0.1 (the client joins the task's network
 * namespace). Pure.
 */
export function phpFpmFloorTarget(address: string, appPid: number): string[] {
  const socket = socketPathOf(address);
  if (socket !== undefined) return ['--socket', `/proc/${appPid}/root${socket}`];
  const port = Number(address.split(':').pop());
  if (!(Number.isInteger(port) && port > 0 && port < 65536))
    throw new Error(`php-fpm floor: the proxy's APP_FASTCGI_ADDRESS is ${JSON.stringify(address)}; expected unix:<path> or <host>:<port>`);
  return ['--port', String(port)];
}
const execFileAsync = promisify(execFile);

/**
 * The php-fpm floor on a running template task, over the template's transport (over TCP the pool
 * accepts 127.0.0.1 only, so the client runs in the task's network namespace: phpFpmFloorTarget):
 * closed loop, then open loop at `ratePerS` (the template's capacity).
 */
export async function phpFpmFloor(ctx: BenchContext, task: RunningTask, ratePerS: number): Promise<NonNullable<Results['latency']['floors']['phpFpm']>> {
  const S = ctx.config.latency.capacityS;
  const appName = task.containerNames[ctx.task.app];
  const pid = Number((await ctx.engine.inspectRaw(appName))?.State?.Pid);
  if (!(pid > 0)) throw new Error(`php-fpm floor: ${appName} has no running main process`);
  // Bundled to plain JavaScript first, so the client needs nothing but node inside the namespace.
  const bundle = path.join(ctx.work, 'fastcgi-load.js');
  await execFileAsync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), [
    path.join(ROOT, 'bench', 'fastcgi-load-cli.ts'),
    '--bundle',
    '--platform=node',
    '--target=node20',
    `--outfile=${bundle}`,
    '--log-level=warning',
  ]);
  const load = async (durationS: number, ratePerS?: number) => {
    const x = await execFileAsync(
      'nsenter',
      [
        `--net=/proc/${pid}/ns/net`,
        '--',
        process.execPath,
        bundle,
        ...phpFpmFloorTarget(fastcgiAddressOf(ctx.task.proxyEnv), pid),
        '--connections',
        String(FASTCGI_CONNECTIONS),
        '--duration',
        String(durationS),
        ...(ratePerS ? ['--rate', String(ratePerS)] : []),
      ],
      { timeout: (durationS + 30) * 1000 },
    );
    const line = x.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{'))
      throw new Error(`php-fpm floor: the FastCGI client printed no result (stdout ${JSON.stringify(x.stdout)}, stderr ${JSON.stringify(x.stderr)})`);
    const r = JSON.parse(line) as FastcgiLoadResult;
    if (r.ok !== r.requests || !r.requests) throw new Error(`php-fpm floor: ${r.ok} of ${r.requests} requests answered 200`);
    return r;
  };
  /** `load` for the floor's seconds, with the app's CPU per answered request. */
  const measure = (rate?: number) =>
    withCpuPerRequest(
      ctx,
      task.name,
      appName,
      () => load(S, rate),
      (x) => x.requests,
    );
  const closed = await ctx.reporter.step(`php-fpm floor (FastCGI client, ${FASTCGI_CONNECTIONS} connections): ${S} s`, async (s) => {
    if (ctx.config.warmupS) await load(ctx.config.warmupS);
    const { result: r, containerUs, podUs } = await measure();
    s.done(`${r.rps.toFixed(0)} req/s, app ${containerUs.toFixed(0)} µs/request`);
    return { rps: r.rps, connections: FASTCGI_CONNECTIONS, appUsPerRequest: containerUs, podUsPerRequest: podUs };
  });
  const atTaskRate = await ctx.reporter.step(`php-fpm floor at the template's rate: open loop ${ratePerS} req/s for ${S} s`, async (s) => {
    const { result: r, containerUs, podUs } = await measure(ratePerS);
    s.done(
      `${r.requests} answered${r.resent ? ` (${r.resent} sent again after a pm.max_requests close)` : ''}, ${r.late} late, app ${containerUs.toFixed(0)} µs/request`,
    );
    return { ratePerS, answered: r.requests, late: r.late, appUsPerRequest: containerUs, podUsPerRequest: podUs };
  });
  return { ...closed, atTaskRate };
}

/** The nginx floor: a task whose proxy answers `return 200` itself, the same closed-loop load, then open loop at `ratePerS` (the template's capacity). */
export async function nginxFloor(ctx: BenchContext, ratePerS: number): Promise<NonNullable<Results['latency']['floors']['nginx']>> {
  const task = await ctx.start({
    id: 'floor-nginx',
    label: 'nginx floor: return 200',
    env: EXEMPT_ENV,
    change: ctx.proxyTemplateChange('floor-nginx', templateReturning200(ctx.task.proxyTemplate.text)),
  });
  try {
    const S = ctx.config.latency.capacityS;
    const proxyName = task.containerNames[ctx.task.proxy];
    const closed = await ctx.reporter.step(`nginx floor (return 200): wrk ${S} s`, async (s) => {
      if (ctx.config.warmupS) await runWrk(ctx.wrkOptions(task.target, ctx.config.warmupS));
      const {
        result: w,
        containerUs,
        podUs,
      } = await withCpuPerRequest(
        ctx,
        task.name,
        proxyName,
        () => runWrk(ctx.wrkOptions(task.target, S)),
        (x) => x.requests,
      );
      s.done(`${w.rps.toFixed(0)} req/s, proxy ${containerUs.toFixed(0)} µs/request`);
      return { rps: w.rps, proxyUsPerRequest: containerUs, podUsPerRequest: podUs };
    });
    const atTaskRate = await ctx.reporter.step(`nginx floor at the template's rate: open loop ${ratePerS} req/s for ${S} s`, async (s) => {
      const open = () => paced(ctx.pacedOptions(task.target, ratePerS, S));
      const { result: r, containerUs, podUs } = await withCpuPerRequest(ctx, task.name, proxyName, open, (x) => x.ok);
      // A request lost at this rate is reported (answered of sent), not fatal: the CPU is per answered request.
      if (!r.ok) throw new Error(`nginx floor at the template's rate: none of ${r.sent} requests answered 2xx (${JSON.stringify(r.byStatus)})`);
      s.done(`${r.ok} answered, ${r.late} late, proxy ${containerUs.toFixed(0)} µs/request`);
      return { ratePerS, answered: r.ok, late: r.late, proxyUsPerRequest: containerUs, podUsPerRequest: podUs };
    });
    return { ...closed, atTaskRate };
  } finally {
    ctx.stopInBackground(task);
  }
}
