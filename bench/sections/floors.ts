/**
 * The two CPU floors a request through the task cannot go below: php-fpm answering the request nginx
 * sends, from a FastCGI client in the task's network namespace (nginx not involved), and nginx
 * answering `return 200` itself (php-fpm not involved), each closed loop.
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
import { templateReturning200 } from '../proxy-template';
import type { Results } from '../results';
import type { RunningTask } from '../tasks';
import { runWrk } from '../wrk';

/** Fewer kept-open connections than pm.max_children (6): a php-fpm worker serves one connection at a time. */
const FASTCGI_CONNECTIONS = 4;

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

/** The php-fpm floor on a running template task, over the template's transport: over TCP the pool accepts 127.0.0.1 only, so the client runs in the task's network namespace (phpFpmFloorTarget). */
export async function phpFpmFloor(ctx: BenchContext, task: RunningTask): Promise<NonNullable<Results['latency']['floors']['phpFpm']>> {
  const S = ctx.config.latency.capacityS;
  return ctx.reporter.step(`php-fpm floor (FastCGI client, ${FASTCGI_CONNECTIONS} connections): ${S} s`, async (s) => {
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
    const load = async (durationS: number) => {
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
        ],
        { timeout: (durationS + 30) * 1000 },
      );
      const line = x.stdout.trim().split('\n').pop() ?? '';
      if (!line.startsWith('{'))
        throw new Error(`php-fpm floor: the FastCGI client printed no result (stdout ${JSON.stringify(x.stdout)}, stderr ${JSON.stringify(x.stderr)})`);
      return JSON.parse(line) as FastcgiLoadResult;
    };
    if (ctx.config.warmupS) await load(ctx.config.warmupS);
    const [task0, app0] = [await taskCpu(ctx.engine, task.name), await containerCpuNs(ctx.engine, appName)];
    const r = await load(S);
    const [task1, app1] = [await taskCpu(ctx.engine, task.name), await containerCpuNs(ctx.engine, appName)];
    if (r.ok !== r.requests || !r.requests) throw new Error(`php-fpm floor: ${r.ok} of ${r.requests} requests answered 200`);
    const floor = {
      rps: r.rps,
      connections: FASTCGI_CONNECTIONS,
      appUsPerRequest: (app1 - app0) / 1000 / r.requests,
      podUsPerRequest: cpuDelta(task0, task1).usageNs / 1000 / r.requests,
    };
    s.done(`${r.rps.toFixed(0)} req/s, app ${floor.appUsPerRequest.toFixed(0)} µs/request`);
    return floor;
  });
}

/** The nginx floor: a task whose proxy answers `return 200` itself, the same closed-loop load. */
export async function nginxFloor(ctx: BenchContext): Promise<NonNullable<Results['latency']['floors']['nginx']>> {
  const task = await ctx.start({
    id: 'floor-nginx',
    label: 'nginx floor: return 200',
    env: EXEMPT_ENV,
    change: ctx.proxyTemplateChange('floor-nginx', templateReturning200(ctx.task.proxyTemplate.text)),
  });
  try {
    const S = ctx.config.latency.capacityS;
    return await ctx.reporter.step(`nginx floor (return 200): wrk ${S} s`, async (s) => {
      if (ctx.config.warmupS) await runWrk(ctx.wrkOptions(task.target, ctx.config.warmupS));
      const proxyName = task.containerNames[ctx.task.proxy];
      const [task0, proxy0] = [await taskCpu(ctx.engine, task.name), await containerCpuNs(ctx.engine, proxyName)];
      const w = await runWrk(ctx.wrkOptions(task.target, S));
      const [task1, proxy1] = [await taskCpu(ctx.engine, task.name), await containerCpuNs(ctx.engine, proxyName)];
      const floor = {
        rps: w.rps,
        proxyUsPerRequest: (proxy1 - proxy0) / 1000 / w.requests,
        podUsPerRequest: cpuDelta(task0, task1).usageNs / 1000 / w.requests,
      };
      s.done(`${w.rps.toFixed(0)} req/s, proxy ${floor.proxyUsPerRequest.toFixed(0)} µs/request`);
      return floor;
    });
  } finally {
    ctx.stopInBackground(task);
  }
}
