import { buildReport } from '../../lib/fit-check/findings';
import { renderJson, renderText } from '../../lib/fit-check/report';

const ESC = '\u001b';
const hostile = buildReport(
  {
    image: 'localhost/app:1',
    engine: 'docker 20.10',
    user: `root${ESC}[2J`,
    port: 80,
    mounted: ['/tmp'],
    writable: {
      probes: [{ path: '/', status: 200, bytes: 1, ms: 1 }],
      answered: true,
      logLines: [`chown x: Operation not permitted ${ESC}]0;owned\u0007\u202e`],
      changes: [
        { kind: 'changed', path: '/var' },
        { kind: 'added', path: `/var/evil${ESC}[31m` },
        { kind: 'added', path: `/var/evil${ESC}[31m/f\nFITS` },
      ],
    },
  },
  60,
);

describe('fit-check reports', () => {
  test('text: findings numbered with evidence and fix; a path app.writablePaths refuses gets no snippet', () => {
    const text = renderText(hostile);
    expect(text).toMatch(/^fit check of localhost\/app:1 on docker 20\.10\n/);
    expect(text).toMatch(/NEEDS CHANGES: 4 findings/);
    expect(text).toMatch(/\n1\. USER is a name/);
    expect(text).toMatch(/\n3\. writes where app\.writablePaths cannot point/);
    expect(text).not.toMatch(/app\.writablePaths to declare/);
  });

  test('what came from the image is escaped in the text and the JSON: no escape sequence, no forged line', () => {
    for (const out of [renderText(hostile), renderJson(hostile)]) {
      expect(out).not.toContain(ESC);
      expect(out).not.toContain('\u0007');
      expect(out).not.toContain('\u202e');
      expect(out).not.toMatch(/^FITS/m);
    }
    expect(JSON.parse(renderJson(hostile)).writablePaths[0].path).toBe('/var/evil\\x1b[31m');
    expect(renderText(hostile)).toContain('/var/evil\\x1b[31m/f\\x0aFITS');
  });

  test('JSON carries the verdict, the findings and no snippet for a path the setting refuses', () => {
    const doc = JSON.parse(renderJson(hostile));
    expect(doc.fits).toBe(false);
    expect(doc.findings.map((f: { id: string }) => f.id)).toEqual(['user-not-numeric', 'low-port', 'writes-undeclarable-path', 'refused-operation']);
    expect(doc.settingsSnippet).toBeUndefined();
  });
});
