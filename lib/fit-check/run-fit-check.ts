/**
 * `secure-ecs fit-check`: run a team's image under the task's hardening on the local engine,
 * exercise it over HTTP, and report what it needs (findings.ts). The first pass gives it a writable
 * overlay instead of the read-only root, so the engine's diff shows every path it writes; when it
 * answered, a second pass runs it with the real read-only root and only the paths to declare
 * writable, to confirm that they are enough (and that a program which wrote nothing fits). Every
 * container is removed afterwards: on success, on failure, on the time limit and on Ctrl-C.
 */
import type { WritablePath } from '../constructs/hardened-container';
import { LocalStepError } from '../local/errors';
import { realConnectors, selectEngine, type EngineRequest } from '../local/engines/select-engine';
import type { ContainerEngine, FilesystemChange } from '../local/engines/container-engine';
import { hostFacts } from '../local/host/host-facts';
import { freePort } from '../local/host/free-port';
import { FIT_CHECK_LABEL_KEY } from '../local/labels';
import type { Reporter } from '../local/progress';
import { buildReport, splitDeclarable, SUGGESTED_TMPFS_MIB, type FitReport, type PassObservation } from './findings';
import { appContainerName, fitTask, TASK_TMP, type FitLimits } from './hardening';
import { httpGet, type ProbeResult } from './http-probe';
import { writablePathsFromDiff } from './writable-paths';

/** One probe while waiting for the program to answer; then each path gets PROBE_DEADLINE_MS. */
const READY_PROBE_DEADLINE_MS = 2000;
const PROBE_DEADLINE_MS = 10_000;
const READY_POLL_MS = 500;
/** Log lines read from each run at most (the last ones). */
const MAX_LOG_LINES = 2000;

export interface FitCheckOptions {
  readonly image: string;
  /** The port inside the container; undefined: the one the image EXPOSEs. */
  readonly port?: number;
  readonly paths: string[];
  /** How long the program may take to answer its first request, in seconds. */
  readonly timeoutS: number;
  readonly limits: FitLimits;
  /**
   * Images with `sleep` and `sh` for the engine's helpers (Docker's pause container and cgroup
   * helper), first present one wins: the project's own base images. Without one the image under
   * test runs them, and one without a shell cannot be checked on Docker.
   */
  readonly helperImages: string[];
  readonly engineRequest: EngineRequest;
  readonly reporter: Reporter;
  /** Receives the removal of the run under way (undefined between runs), for the CLI's Ctrl-C handler. */
  readonly onCleanup: (cleanup: (() => Promise<void>) | undefined) => void;
}

/** Bad input found only once the image is known (its ports): the CLI exits 2. */
export class FitCheckInputError extends Error {}

async function waitForAnswer(engine: ContainerEngine, container: string, hostPort: number, path: string, timeoutS: number, onStatus: (text: string) => void) {
  const deadline = Date.now() + timeoutS * 1000;
  let last: ProbeResult | undefined;
  while (Date.now() < deadline) {
    last = await httpGet(hostPort, path, READY_PROBE_DEADLINE_MS);
    if (last.status !== undefined) return { answered: true, last };
    const state = (await engine.inspectContainers([container])).get(container);
    if (!state || state.status !== 'running') return { answered: false, last };
    onStatus(`waiting for an answer on 127.0.0.1:${hostPort} (${last.error})`);
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  return { answered: false, last };
}

async function readLogs(engine: ContainerEngine, container: string): Promise<string[]> {
  const lines: string[] = [];
  await engine.logs(container, { follow: false, tail: MAX_LOG_LINES }, (l) => lines.push(l)).done;
  return lines.slice(-MAX_LOG_LINES);
}

interface PassResult extends PassObservation {
  readonly changes: FilesystemChange[];
}

/** One run of the image: create, start, probe, read what it did, remove. */
async function runPass(
  engine: ContainerEngine,
  o: FitCheckOptions,
  port: number,
  pass: { readonly name: string; readonly readOnlyRoot: boolean; readonly writablePaths: WritablePath[] },
  helperImage: string | undefined,
): Promise<PassResult> {
  const taskName = `secure-ecs-fit-${process.pid}-${pass.name}`;
  const container = appContainerName(taskName);
  const hostPort = await freePort();
  const { task, container: spec } = fitTask({
    taskName,
    labels: { [FIT_CHECK_LABEL_KEY]: taskName },
    image: o.image,
    containerPort: port,
    hostPort,
    readOnlyRoot: pass.readOnlyRoot,
    writablePaths: pass.writablePaths,
    limits: o.limits,
    helperImage,
  });
  let removal: Promise<void> | undefined;
  // A Ctrl-C while the engine creates the containers must not remove them before they exist: the
  // removal waits for the creation it interrupts (measured: a removal racing it left the pause container).
  let creation: Promise<unknown> = Promise.resolve();
  const remove = () =>
    (removal ??= creation
      .catch(() => undefined)
      .then(() => engine.removeTask(taskName))
      .then(() => undefined)
      .catch((e) =>
        o.reporter.warn(`could not remove ${taskName}: ${(e as Error).message}; remove the containers labelled ${FIT_CHECK_LABEL_KEY}=${taskName}`),
      ));
  o.onCleanup(remove);
  try {
    const title = pass.readOnlyRoot ? 'second run: read-only root, the declared paths writable' : 'first run: the hardening, with a writable overlay';
    return await o.reporter.step(title, async (s) => {
      s.update('creating');
      creation = engine.createTask(task, [spec], new Map(), (l) => s.update(l)).then(() => engine.startContainer(container));
      await creation;
      s.update(`waiting for an answer on port ${port}`);
      const ready = await waitForAnswer(engine, container, hostPort, o.paths[0], o.timeoutS, (t) => s.update(t));
      const probes: ProbeResult[] = [];
      if (ready.answered) {
        for (const p of o.paths) {
          s.update(`GET ${p}`);
          probes.push(await httpGet(hostPort, p, PROBE_DEADLINE_MS));
        }
      } else if (ready.last) {
        probes.push(ready.last);
      }
      s.update('reading what it wrote and logged');
      const state = (await engine.inspectContainers([container])).get(container);
      const exit = state && state.status !== 'running' ? { code: state.exitCode, oomKilled: state.oomKilled } : undefined;
      const [changes, logLines] = await Promise.all([engine.diff(container), readLogs(engine, container)]);
      return { probes, answered: ready.answered, exit, changes, logLines };
    });
  } finally {
    o.reporter.info(`removing ${taskName}`);
    await remove();
    o.onCleanup(undefined);
  }
}

/** The port to probe: --port, else the one TCP port the image EXPOSEs. */
function portOf(o: FitCheckOptions, exposed: readonly number[]): number {
  if (o.port !== undefined) return o.port;
  if (exposed.length === 1) return exposed[0];
  if (exposed.length === 0) throw new FitCheckInputError(`${o.image} EXPOSEs no TCP port; give the port it listens on with --port`);
  throw new FitCheckInputError(`${o.image} EXPOSEs several TCP ports (${exposed.join(', ')}); choose the HTTP one with --port`);
}

export async function fitCheck(o: FitCheckOptions): Promise<FitReport> {
  const engine = await selectEngine(hostFacts(), o.engineRequest, o.reporter, realConnectors(FIT_CHECK_LABEL_KEY));
  if (!(await engine.imageExists(o.image))) {
    await o.reporter.step(`pull ${o.image}`, (s) => engine.pullImage(o.image, (l) => s.update(l)));
  }
  const config = await engine.imageConfig(o.image);
  if (!config) throw new LocalStepError('read the image', `${engine.info.kind} has no image ${o.image}`);
  const port = portOf(o, config.exposedTcpPorts);
  let helperImage: string | undefined;
  for (const candidate of o.helperImages) if (helperImage === undefined && (await engine.imageExists(candidate))) helperImage = candidate;

  const writable = await runPass(engine, o, port, { name: 'overlay', readOnlyRoot: false, writablePaths: [] }, helperImage);
  // The mount point of /tmp (and the pause container's) are the engine's, not the program's writes.
  const mounted = [TASK_TMP];
  // The second pass mounts what the task could: the paths app.writablePaths accepts.
  const declared = splitDeclarable(writablePathsFromDiff(writable.changes, mounted).declare).declarable.map((d) => ({
    containerPath: d.path,
    sizeMiB: SUGGESTED_TMPFS_MIB,
  }));
  let readOnly: (PassObservation & { declared: string[] }) | undefined;
  // Always when it answered: a file written and deleted again leaves no diff, but fails on a read-only root.
  if (writable.answered) {
    const second = await runPass(engine, o, port, { name: 'readonly', readOnlyRoot: true, writablePaths: declared }, helperImage);
    readOnly = { ...second, declared: declared.map((d) => d.containerPath) };
  }
  return buildReport(
    {
      image: o.image,
      engine: `${engine.info.kind} ${engine.info.version}`,
      user: config.user,
      port,
      mounted,
      writable,
      readOnly,
    },
    o.timeoutS,
  );
}
