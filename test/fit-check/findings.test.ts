import { buildReport, type Observation, type PassObservation } from '../../lib/fit-check/findings';
import type { ProbeResult } from '../../lib/fit-check/http-probe';
import type { FilesystemChange } from '../../lib/local/engines/container-engine';

const ok = (path: string, status = 200): ProbeResult => ({ path, status, bytes: 10, ms: 2 });
const served: PassObservation = { probes: [ok('/')], answered: true, logLines: [] };

function observe(over: Partial<Observation> & { changes?: FilesystemChange[]; pass?: Partial<PassObservation> } = {}): Observation {
  const { changes = [], pass = {}, ...rest } = over;
  return {
    image: 'localhost/app:1',
    engine: 'docker 20.10',
    user: '10001:10001',
    port: 8080,
    mounted: ['/tmp'],
    writable: { ...served, ...pass, changes },
    ...rest,
  };
}

const ids = (o: Observation) => buildReport(o, 60).findings.map((f) => f.id);

describe('buildReport', () => {
  test('a non-root program on a high port that writes nothing and answers fits', () => {
    const r = buildReport(observe(), 60);
    expect(r.fits).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.settingsSnippet).toBeUndefined();
    const confirmed = buildReport(observe({ readOnly: { ...served, declared: [] } }), 60);
    expect(confirmed).toMatchObject({ fits: true, confirmation: { declared: [], sameAnswers: true } });
  });

  test('a program that wrote nothing the diff shows but fails on the read-only root does not fit', () => {
    const r = buildReport(
      observe({ readOnly: { probes: [ok('/', 500)], answered: true, logLines: ["open('/srv/app/.probe'): Read-only file system"], declared: [] } }),
      60,
    );
    expect(r.fits).toBe(false);
    expect(r.findings.map((f) => f.id)).toEqual(['refused-operation', 'read-only-confirmation-failed']);
    expect(r.findings[1].title).toBe('with a read-only root and only /tmp writable, it did not answer as before');
  });

  test.each([[''], ['0'], ['root'], ['0:0'], ['root:root']])('USER %j is root, with the Dockerfile fix', (user) => {
    const r = buildReport(observe({ user }), 60);
    expect(r.fits).toBe(false);
    expect(r.findings[0]).toMatchObject({ id: 'root-user' });
    expect(r.findings[0].fix).toMatch(/USER 10001:10001/);
  });

  test('a named user is not root but must be numeric', () => {
    expect(ids(observe({ user: 'www-data' }))).toEqual(['user-not-numeric']);
    expect(ids(observe({ user: '33' }))).toEqual([]);
  });

  test('a port below 1024 needs app.port of 1024 or above', () => {
    const r = buildReport(observe({ port: 80 }), 60);
    expect(r.findings.map((f) => f.id)).toEqual(['low-port']);
    expect(r.findings[0].fix).toMatch(/app\.port/);
    expect(ids(observe({ port: 1024 }))).toEqual([]);
  });

  test('written paths become the app.writablePaths snippet, 16 MiB each, and the chmod note for a non-root user', () => {
    const r = buildReport(
      observe({
        changes: [
          { kind: 'changed', path: '/var' },
          { kind: 'changed', path: '/var/log' },
          { kind: 'changed', path: '/var/log/nginx' },
          { kind: 'added', path: '/var/log/nginx/access.log' },
        ],
      }),
      60,
    );
    expect(r.fits).toBe(false);
    expect(r.settingsSnippet).toEqual({ app: { writablePaths: [{ path: '/var/log/nginx', sizeMiB: 16 }] } });
    const writes = r.findings.find((f) => f.id === 'writes-paths')!;
    expect(writes.evidence).toEqual(['/var/log/nginx (exists in the image: a tmpfs there starts empty)', '  /var/log/nginx/access.log']);
    expect(writes.fix).toMatch(/chmod 1777/);
  });

  test('refused operations in the log are findings with their fix', () => {
    const r = buildReport(
      observe({
        pass: { logLines: ['[emerg] 1#1: setgid(33) failed (1: Operation not permitted)'], answered: false, probes: [], exit: { code: 1, oomKilled: false } },
      }),
      60,
    );
    expect(r.findings.map((f) => f.id)).toEqual(['refused-operation', 'not-answering']);
    expect(r.findings[0].title).toMatch(/CAP_SETUID/);
    expect(r.findings[1].title).toBe('exited (code 1) before it answered HTTP');
  });

  test('no answer in time, an OOM kill and server errors are findings', () => {
    expect(ids(observe({ pass: { answered: false, probes: [{ path: '/', error: 'ECONNREFUSED', bytes: 0, ms: 1 }] } }))).toEqual(['not-answering']);
    expect(ids(observe({ pass: { exit: { code: 137, oomKilled: true } } }))).toEqual(['out-of-memory']);
    expect(ids(observe({ pass: { probes: [ok('/'), ok('/api', 502)] } }))).toEqual(['server-error']);
  });

  test('the second run confirms the declaration when every path answers as before', () => {
    const changes: FilesystemChange[] = [
      { kind: 'changed', path: '/var/lib' },
      { kind: 'added', path: '/var/lib/app' },
      { kind: 'added', path: '/var/lib/app/pid' },
    ];
    const same = buildReport(observe({ changes, readOnly: { ...served, declared: ['/var/lib/app'] } }), 60);
    expect(same.confirmation).toMatchObject({ declared: ['/var/lib/app'], sameAnswers: true });
    expect(same.findings.map((f) => f.id)).toEqual(['writes-paths']);

    const differs = buildReport(
      observe({
        changes,
        readOnly: {
          probes: [{ path: '/', error: 'ECONNRESET', bytes: 0, ms: 1 }],
          answered: false,
          exit: { code: 1, oomKilled: false },
          logLines: ['mkdir() "/run/app/x" failed (13: Permission denied)'],
          declared: ['/var/lib/app'],
        },
      }),
      60,
    );
    expect(differs.confirmation?.sameAnswers).toBe(false);
    const failed = differs.findings.find((f) => f.id === 'read-only-confirmation-failed')!;
    expect(failed.evidence).toContain('GET /: ECONNRESET (writable root: 200)');
    expect(failed.evidence).toContain('log: mkdir() "/run/app/x" failed (13: Permission denied)');
  });

  test('a directory app.writablePaths refuses (/run/app) is its own finding, left out of the snippet and of the second run', () => {
    const changes: FilesystemChange[] = [
      { kind: 'changed', path: '/run' },
      { kind: 'added', path: '/run/app' },
      { kind: 'added', path: '/run/app/pid' },
    ];
    const r = buildReport(observe({ changes }), 60);
    expect(r.findings.map((f) => f.id)).toEqual(['writes-undeclarable-path']);
    expect(r.findings[0].evidence[0]).toMatch(/^\/run\/app: app\.writablePaths expects a path apart from the system directory \/run /);
    expect(r.settingsSnippet).toBeUndefined();
    expect(r.writablePaths.map((d) => d.path)).toEqual(['/run/app']);
  });
});
