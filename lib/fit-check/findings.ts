/**
 * What the fit check observed, and what it means for the hardened task: each finding names the
 * problem, shows the evidence and says the fix. Pure; unit-tested in test/fit-check/findings.test.ts.
 */
import { declaredPathProblem, type DeclaredWritablePath } from '../constructs/app-shape';
import type { FilesystemChange } from '../local/engines/container-engine';
import { TASK_TMP, TASK_TMP_MIB } from './hardening';
import type { ProbeResult } from './http-probe';
import { refusedOperations, type Refusal, type RefusalKind } from './refused-operations';
import { writablePathsFromDiff, type WritableDirectory } from './writable-paths';

/** The tmpfs size suggested for each declared path: the task's own /tmp's. */
export const SUGGESTED_TMPFS_MIB = TASK_TMP_MIB;

/**
 * The written directories app.writablePaths accepts, and the others with the reason (its rules: apart
 * from /tmp, /run, /etc and the other system directories): those must move. The report and the
 * read-only second run both use this split.
 */
export function splitDeclarable(dirs: readonly WritableDirectory[]): {
  declarable: WritableDirectory[];
  refused: { dir: WritableDirectory; problem: string }[];
} {
  const declarable: WritableDirectory[] = [];
  const refused: { dir: WritableDirectory; problem: string }[] = [];
  for (const dir of dirs) {
    const problem = declaredPathProblem(dir.path);
    if (problem) refused.push({ dir, problem });
    else declarable.push(dir);
  }
  return { declarable, refused };
}

/** One run of the image under the hardening. */
export interface PassObservation {
  /** The probes, in order; empty when the program never answered. */
  readonly probes: ProbeResult[];
  /** The program answered HTTP at all within the time allowed. */
  readonly answered: boolean;
  /** The container's state at the end: still running, or its exit. */
  readonly exit?: { readonly code: number; readonly oomKilled: boolean };
  readonly logLines: string[];
}

export interface Observation {
  readonly image: string;
  readonly engine: string;
  /** The image's USER ('' when unset: root). */
  readonly user: string;
  readonly port: number;
  /** The writable mounts the check gave the container besides the overlay (the task's /tmp). */
  readonly mounted: string[];
  /** First pass: the hardening, with a writable overlay instead of the read-only root. */
  readonly writable: PassObservation & { readonly changes: FilesystemChange[] };
  /** Second pass, when the first one answered: read-only root plus the paths to declare. */
  readonly readOnly?: PassObservation & { readonly declared: string[] };
}

export type FindingId =
  | 'root-user'
  | 'user-not-numeric'
  | 'low-port'
  | 'writes-paths'
  | 'writes-shared-directory'
  | 'writes-undeclarable-path'
  | 'refused-operation'
  | 'not-answering'
  | 'server-error'
  | 'out-of-memory'
  | 'read-only-confirmation-failed';

export interface Finding {
  readonly id: FindingId;
  readonly title: string;
  /** Evidence: paths, log lines, answers (raw: escape before printing). */
  readonly evidence: string[];
  readonly fix: string;
}

export interface FitReport {
  readonly image: string;
  readonly engine: string;
  readonly port: number;
  readonly user: string;
  readonly fits: boolean;
  readonly probes: ProbeResult[];
  /** The directories it wrote, with what was written under each (the snippet holds those app.writablePaths accepts). */
  readonly writablePaths: WritableDirectory[];
  /**
   * The settings to add (a settings file for `-c configFile=`, or under "secure-ecs" in cdk.json),
   * in the shape of the `app.writablePaths` setting.
   */
  readonly settingsSnippet?: { app: { writablePaths: DeclaredWritablePath[] } };
  /** The second pass: whether the program answered the same with a read-only root and only the declared paths writable. */
  readonly confirmation?: { readonly declared: string[]; readonly sameAnswers: boolean; readonly probes: ProbeResult[] };
  readonly findings: Finding[];
}

/**
 * A tmpfs mounted where the image has a directory belongs to root and takes that directory's mode
 * (runc chmods the mount to the mount point's mode: libcontainer/rootfs_linux.go, mountToRootfs,
 * case "tmpfs"; measured with runc 1.1.5: drwxr-xr-x root, not the image's owner), so a non-root
 * program cannot write one whose directory is 0755, whoever owns it in the image.
 */
const TMPFS_OWNER_NOTE =
  "For a non-root user, each of these that exists in the image must be mode 1777 there (RUN chmod 1777 DIR in the Dockerfile), or be left out of the image: the tmpfs mounted on it belongs to root and keeps the directory's mode, not its owner";

const ROOT_USER = /^(|0|root)(:.*)?$/;
const NUMERIC_USER = /^\d+(:\d+)?$/;

const REFUSAL_FIX: Record<RefusalKind, { title: string; fix: string }> = {
  'switch-user': {
    title: 'switches to another user (setuid/setgid), which needs CAP_SETUID/CAP_SETGID',
    fix: "start as the unprivileged user instead: USER <uid>:<gid> in the Dockerfile, and turn off the program's own user switch (nginx: no `user` directive; apache: run it as that user)",
  },
  'change-owner': {
    title: 'changes file owners (chown), which needs CAP_CHOWN',
    fix: 'give the files to the runtime user at build time (RUN chown <uid>:<gid> DIR in the Dockerfile) and run as that user, so nothing is chowned at start',
  },
  'raise-limit': {
    title: 'raises a resource limit (ulimit/setrlimit) above its hard limit, which needs CAP_SYS_RESOURCE',
    fix: 'leave the limits to the task (nofile 4096, nproc 1024) and remove the raise from the start-up (Debian apache2: APACHE_ULIMIT_MAX_FILES in /etc/apache2/envvars)',
  },
  'bind-port': {
    title: 'cannot bind its port',
    fix: 'listen on a port of 1024 or above and set it as app.port (no NET_BIND_SERVICE is granted)',
  },
  'no-new-privileges': {
    title: 'tries to gain privileges (a setuid program such as sudo or su), which no-new-privileges forbids',
    fix: 'do what needs privileges at build time, and run the program as its unprivileged user directly',
  },
  'read-only-root': {
    title: 'writes to the read-only root filesystem',
    fix: 'declare the directory it writes in app.writablePaths, or point the program at one that is declared',
  },
  'other-capability': {
    title: 'an operation was refused ("Operation not permitted"): it needs a capability the task drops (all of them)',
    fix: 'do the privileged step at build time or drop it from the start-up; the task adds no capabilities',
  },
};

/** The writable paths of the second run, for sentences. */
export const writableText = (declared: readonly string[]) => [TASK_TMP, ...declared].join(', ');

/** The answers of two passes are the same when every path got the same status, and the first one got any. */
function sameAnswers(a: readonly ProbeResult[], b: readonly ProbeResult[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((p, i) => p.status !== undefined && p.status === b[i].status);
}

function refusalFindings(refusals: readonly Refusal[]): Finding[] {
  return refusals.map((r) => ({
    id: 'refused-operation' as const,
    title: REFUSAL_FIX[r.kind].title,
    evidence: r.count > r.lines.length ? [...r.lines, `(${r.count} such lines in all)`] : r.lines,
    fix: REFUSAL_FIX[r.kind].fix,
  }));
}

function passFindings(pass: PassObservation, timeoutNote: string): Finding[] {
  const out: Finding[] = [];
  if (pass.exit?.oomKilled)
    out.push({
      id: 'out-of-memory',
      title: 'killed for exceeding its memory limit',
      evidence: [`exit code ${pass.exit.code}`],
      fix: 'raise task.appMemoryMiB (tmpfs pages count against it too), or make the program use less',
    });
  if (!pass.answered) {
    const tail = pass.logLines.slice(-5);
    out.push({
      id: 'not-answering',
      title: pass.exit ? `exited (code ${pass.exit.code}) before it answered HTTP` : `did not answer HTTP ${timeoutNote}`,
      evidence: [...pass.probes.slice(-1).map((p) => `GET ${p.path}: ${p.error ?? p.status}`), ...tail.map((l) => `log: ${l}`)],
      fix: pass.exit
        ? 'see the findings above and its log; fix those, then run the fit check again (a program that stops at its first refused operation shows the next one only then)'
        : 'check --port (the port it listens on inside the container) and --timeout; its log is above',
    });
  }
  const failing = pass.probes.filter((p) => p.status !== undefined && p.status >= 500);
  if (failing.length)
    out.push({
      id: 'server-error',
      title: 'answered with server errors',
      evidence: failing.map((p) => `GET ${p.path}: ${p.status}`),
      fix: 'see its log: a server error under the hardening is often a refused write or operation',
    });
  return out;
}

export function buildReport(o: Observation, timeoutS: number): FitReport {
  const findings: Finding[] = [];
  if (ROOT_USER.test(o.user)) {
    findings.push({
      id: 'root-user',
      title: 'runs as root (the image sets no USER, or USER root)',
      evidence: [`USER ${JSON.stringify(o.user)}`],
      fix: 'add a numeric non-root user to the Dockerfile (RUN useradd --uid 10001 app, then USER 10001:10001) and give it the paths it writes; the task definition refuses root',
    });
  } else if (!NUMERIC_USER.test(o.user)) {
    findings.push({
      id: 'user-not-numeric',
      title: 'USER is a name, not a numeric uid:gid',
      evidence: [`USER ${o.user}`],
      fix: 'write it as numbers (USER 33:33 for www-data): the task definition takes a numeric uid:gid, which needs no /etc/passwd lookup',
    });
  }
  if (o.port < 1024)
    findings.push({
      id: 'low-port',
      title: `listens on port ${o.port}, below 1024`,
      evidence: [`port ${o.port}`],
      fix: 'listen on a port of 1024 or above (8080, say) and set app.port to it: binding below 1024 needs NET_BIND_SERVICE, which the task drops (Docker since 20.10 lowers net.ipv4.ip_unprivileged_port_start in its containers, so it may work locally; the hardened task does not rely on it)',
    });

  const written = writablePathsFromDiff(o.writable.changes, o.mounted);
  const { declarable, refused } = splitDeclarable(written.declare);
  const writes = { ...written, declare: declarable };
  if (refused.length)
    findings.push({
      id: 'writes-undeclarable-path',
      title: 'writes where app.writablePaths cannot point',
      evidence: refused.flatMap((r) => [`${r.dir.path}: app.writablePaths expects ${r.problem}`, ...r.dir.examples.map((e) => `  ${e}`)]),
      fix: 'make the program write to a directory of its own outside the system directories (for example /var/lib/<app> or /var/cache/<app>, through its configuration), or to /tmp for small scratch files, and declare that one',
    });
  if (writes.declare.length)
    findings.push({
      id: 'writes-paths',
      title: 'writes to its filesystem, which is read-only in the task',
      evidence: writes.declare.flatMap((d) => [
        `${d.path}${d.inImage ? ' (exists in the image: a tmpfs there starts empty)' : ''}`,
        ...d.examples.map((e) => `  ${e}`),
        ...(d.count > d.examples.length ? [`  (${d.count} paths in all)`] : []),
      ]),
      fix: `declare these directories in app.writablePaths (the snippet below: tmpfs of ${SUGGESTED_TMPFS_MIB} MiB each, counted in the memory limit; size them to what the program keeps there). Data that must outlive the task belongs on a persistent path, not a tmpfs${
        writes.declare.some((d) => d.inImage) && !ROOT_USER.test(o.user) ? `. ${TMPFS_OWNER_NOTE}` : ''
      }`,
    });
  if (writes.intoSharedDirectories.length)
    findings.push({
      id: 'writes-shared-directory',
      title: 'writes directly into a directory that holds the image itself',
      evidence: writes.intoSharedDirectories.flatMap((d) => [d.path, ...d.examples.map((e) => `  ${e}`)]),
      fix: 'a tmpfs there would hide the image: make the program write to a directory of its own (for example /var/lib/<app> or /var/cache/<app>, through its configuration) and declare that one',
    });

  const refusals = refusedOperations([...o.writable.logLines, ...(o.readOnly?.logLines ?? [])]);
  findings.push(...refusalFindings(refusals));
  findings.push(...passFindings(o.writable, `within ${timeoutS} s`));

  let confirmation: FitReport['confirmation'];
  if (o.readOnly) {
    const same = o.readOnly.answered && sameAnswers(o.writable.probes, o.readOnly.probes);
    confirmation = { declared: o.readOnly.declared, sameAnswers: same, probes: o.readOnly.probes };
    if (!same)
      findings.push({
        id: 'read-only-confirmation-failed',
        title: `with a read-only root and only ${writableText(o.readOnly.declared)} writable, it did not answer as before`,
        evidence: [
          ...o.readOnly.probes.map(
            (p, i) => `GET ${p.path}: ${p.error ?? p.status} (writable root: ${o.writable.probes[i]?.error ?? o.writable.probes[i]?.status})`,
          ),
          ...(o.readOnly.exit ? [`exited with code ${o.readOnly.exit.code}`] : []),
          ...o.readOnly.logLines.slice(-5).map((l) => `log: ${l}`),
        ],
        fix: `see its log: it needs more than the declared paths (a write the first run did not show, or an image file a tmpfs now hides), or cannot write them (Permission denied: ${TMPFS_OWNER_NOTE})`,
      });
  }

  const snippet = writes.declare.length ? { app: { writablePaths: writes.declare.map((d) => ({ path: d.path, sizeMiB: SUGGESTED_TMPFS_MIB })) } } : undefined;
  return {
    image: o.image,
    engine: o.engine,
    port: o.port,
    user: o.user,
    fits: findings.length === 0,
    probes: o.writable.probes,
    writablePaths: written.declare,
    settingsSnippet: snippet,
    confirmation,
    findings,
  };
}
