/**
 * Hostile and broken files given to `secure-ecs audit`: Dockerfiles whose ADD carries credentials,
 * malformed JSON around a secret, malformed cloud assemblies, deep nesting, huge and odd files,
 * control characters and markdown. Findings D4, D5, D6, D7, D16, D21 of
 * ../shared/reference/hostile-input-findings.md. Each case: exit code, one line, no trace, no
 * planted secret in any report format, within a time bound.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import * as path from 'node:path';
import { expectRefused, expectReported, FORMATS, run } from './contained';
import { tempDir } from '../helpers/temp-dir';

jest.setTimeout(60_000);

const scratch = tempDir('hostile-files-');
let counter = 0;
function write(name: string, content: string): string {
  const dir = path.join(scratch, String(++counter));
  mkdirSync(dir);
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const TD = (containers: unknown[]) => JSON.stringify({ family: 'web', containerDefinitions: containers });
const deep = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);

describe('D4: credentials in Dockerfile URLs never reach a report', () => {
  const dockerfile = () =>
    write(
      'Dockerfile',
      [
        'FROM alpine:3.20',
        'ADD https://deploy:hunter2-add-pass@artifacts.example.com/app.tgz /app/',
        'ADD https://ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA@raw.githubusercontent.com/o/r/main/x /x',
        'ADD https://artifacts.example.com/a.tgz?X-Amz-Signature=sup3rs3cret&token=sup3rs3cret&v=1 /a/',
        'USER 1000',
      ].join('\n'),
    );
  test.concurrent.each(FORMATS)('--format %s', async (format) => {
    const r = await run(['audit', '--dockerfile', dockerfile(), '--format', format]);
    expectReported(r, 0, 30);
    expect(r.stdout).toContain('https://***@artifacts.example.com/app.tgz');
    expect(r.stdout).toContain('X-Amz-Signature=***');
  });
});

describe('D5: a malformed JSON file is reported by position, never by content', () => {
  const unquoted = '{"family": "web", "containerDefinitions": [{"name": "a", "environment": [{"name": "X", "value": hunter2pw\n}]}]}';
  test.concurrent.each([
    ['--task-definition-file', unquoted],
    ['--task-definition-file', '{"pw": Tr0ub4dor&3\n}'],
    ['--template', '{"Resources": {"A": {"Type": "X", "Properties": {"P": hunter2tpl\n}}}}'],
    ['--acknowledgements', '{"acknowledgements": [{"ruleId": hunter2ack\n}]}'],
  ])('%s', async (flag, content) => {
    const file = write('input.json', content);
    const args = flag === '--acknowledgements' ? ['--acknowledgements', file, '--dockerfile', write('Dockerfile', 'FROM a:1\nUSER 1')] : [flag, file];
    expectRefused(await run(['audit', ...args]), /^secure-ecs: .*input\.json is not valid JSON: [A-Z][a-z ]+ at line \d+, column \d+$/, 30);
  });

  test.concurrent('a YAML template says YAML is not read (D21)', async () => {
    const file = write('stack.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B: {Type: AWS::S3::Bucket}\n');
    expectRefused(
      await run(['audit', '--template', file]),
      /stack\.yaml is not valid JSON: Unexpected token at line 1, column 1; YAML is not read, only JSON$/,
      30,
    );
  });

  test.concurrent('a byte-order mark is named, not shown as an invisible character (D21)', async () => {
    expectRefused(
      await run(['audit', '--task-definition-file', write('bom.json', '\ufeff{}')]),
      /is not valid JSON: a byte-order mark at line 1, column 1/,
      30,
    );
  });
});

/** A minimal cloud assembly: one stack with a template and an asset manifest, plus a metadata file. */
function assembly(change: (dir: string, manifest: any) => void = () => undefined): string {
  const dir = path.join(scratch, `asm-${++counter}`);
  mkdirSync(dir);
  const manifest: any = {
    version: '36.0.0',
    artifacts: {
      'Stack.assets': { type: 'cdk:asset-manifest', properties: { file: 'Stack.assets.json' } },
      Stack: {
        type: 'aws:cloudformation:stack',
        environment: 'aws://unknown-account/unknown-region',
        properties: { templateFile: 'Stack.template.json' },
        dependencies: ['Stack.assets'],
        additionalMetadataFile: 'Stack.metadata.json',
      },
    },
  };
  writeFileSync(path.join(dir, 'Stack.template.json'), JSON.stringify({ Resources: {} }));
  writeFileSync(path.join(dir, 'Stack.assets.json'), JSON.stringify({ version: '36.0.0', files: {}, dockerImages: {} }));
  writeFileSync(path.join(dir, 'Stack.metadata.json'), JSON.stringify({}));
  change(dir, manifest);
  if (!require('node:fs').existsSync(path.join(dir, 'manifest.json'))) writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('D6: every malformed cloud assembly is one line and exit 2', () => {
  test.concurrent('control: the minimal assembly audits', async () => {
    expectReported(await run(['audit', '--template', assembly()]), 0, 30);
  });

  test.concurrent.each<[string, (dir: string, manifest: any) => void, RegExp]>([
    [
      'a truncated manifest.json',
      (dir, m) => writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m).slice(0, 40)),
      /manifest\.json is not a valid cloud assembly manifest: not valid JSON$/,
    ],
    ['a stack without templateFile', (_dir, m) => delete m.artifacts.Stack.properties.templateFile, /manifest\.json: Stack's templateFile is missing$/],
    ['a missing template', (dir) => require('node:fs').rmSync(path.join(dir, 'Stack.template.json')), /Stack\.template\.json: no such file$/],
    [
      'a template that is a directory',
      (dir) => {
        require('node:fs').rmSync(path.join(dir, 'Stack.template.json'));
        mkdirSync(path.join(dir, 'Stack.template.json'));
      },
      /Stack\.template\.json: is a directory$/,
    ],
    [
      'a template that is a symlink loop',
      (dir) => {
        require('node:fs').rmSync(path.join(dir, 'Stack.template.json'));
        symlinkSync('Stack.template.json', path.join(dir, 'Stack.template.json'));
      },
      /Stack\.template\.json: a symbolic link loop$/,
    ],
    [
      'a template that is not JSON',
      (dir) => writeFileSync(path.join(dir, 'Stack.template.json'), '{"Resources": {"A": hunter2\n}}'),
      /Stack\.template\.json is not valid JSON: Unexpected token at line 1, column \d+$/,
    ],
    [
      'a truncated asset manifest',
      (dir) => writeFileSync(path.join(dir, 'Stack.assets.json'), '{"version":\n'),
      /Stack\.assets\.json is not a valid asset manifest: not valid JSON$/,
    ],
    [
      'a metadata file that is not JSON',
      (dir) => writeFileSync(path.join(dir, 'Stack.metadata.json'), '{"x": \nhunter2meta}'),
      /Stack\.metadata\.json is not valid JSON: Unexpected token at line 2, column 1$/,
    ],
    [
      'a nested assembly that is itself',
      (_dir, m) => (m.artifacts.Self = { type: 'cdk:cloud-assembly', properties: { directoryName: '.', displayName: 'Self' } }),
      /manifest\.json: a nested assembly includes itself$/,
    ],
    [
      'a nested assembly outside the assembly',
      (_dir, m) => (m.artifacts.Out = { type: 'cdk:cloud-assembly', properties: { directoryName: '../..', displayName: 'Out' } }),
      /manifest\.json: Out's directoryName points outside the assembly$/,
    ],
    [
      'an asset build context outside the assembly (D21)',
      (dir) =>
        writeFileSync(
          path.join(dir, 'Stack.assets.json'),
          JSON.stringify({
            version: '36.0.0',
            dockerImages: { x: { source: { directory: '../../../../../../../etc', dockerFile: 'passwd' }, destinations: {} } },
          }),
        ),
      /Stack\.assets\.json: asset x's directory points outside the assembly$/,
    ],
  ])('%s', async (_name, change, message) => {
    expectRefused(await run(['audit', '--template', assembly(change)]), message, 30);
  });
});

describe('D7: deep nesting is refused before anything recurses', () => {
  test.concurrent('a task definition file 100,000 levels deep', async () => {
    const file = write(
      'deep.json',
      TD([{ name: 'a', image: 'x:1', dockerLabels: { x: JSON.parse('0') }, extra: 0 }]).replace('"extra":0', `"extra":${deep(100_000)}`),
    );
    expectRefused(await run(['audit', '--task-definition-file', file]), /deep\.json nests values deeper than 256 levels \(line 1\)/, 30);
  });
  test.concurrent('an acknowledgements file 100,000 levels deep', async () => {
    const file = write('acks.json', `{"acknowledgements": ${deep(100_000, '{}')}}`);
    expectRefused(
      await run(['audit', '--acknowledgements', file, '--dockerfile', write('Dockerfile', 'FROM a:1\nUSER 1')]),
      /acks\.json nests values deeper than 256 levels/,
      30,
    );
  });
  test.concurrent('a template file with a property 100,000 levels deep', async () => {
    const file = write('Deep.template.json', `{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": ${deep(100_000)}}}}}`);
    expectRefused(await run(['audit', '--template', file]), /Deep\.template\.json nests values deeper than 256 levels/, 30);
  });
  test.concurrent('brackets inside strings do not count', async () => {
    const file = write('strings.json', TD([{ name: 'a', image: 'x:1', user: '1000', command: ['['.repeat(5000)] }]));
    expectReported(await run(['audit', '--task-definition-file', file, '--format', 'json']), 1, 30);
  });
});

describe('D21: huge and odd files', () => {
  test.concurrent('a 3 GiB (sparse) file is refused from its size, without being read', async () => {
    const file = path.join(scratch, 'huge.json');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 3 * 2 ** 30);
    closeSync(fd);
    expectRefused(await run(['audit', '--task-definition-file', file]), /huge\.json: 3072 MiB is more than the 512 MiB the audit reads$/, 20);
  });
  test.concurrent('a symlink loop is called one', async () => {
    const file = path.join(scratch, 'loop.json');
    symlinkSync('loop.json', file);
    expectRefused(await run(['audit', '--task-definition-file', file]), /loop\.json: a symbolic link loop$/, 20);
  });
  test.concurrent('a template that is a symlink loop is called one', async () => {
    const file = path.join(scratch, 'Loop.template.json');
    symlinkSync('Loop.template.json', file);
    expectRefused(await run(['audit', '--template', file]), /Loop\.template\.json: a symbolic link loop$/, 20);
  });
});

describe("D6, D21: a lone template's asset manifest beside it", () => {
  const lone = (assets: string) => {
    const dir = mkdtempSync(path.join(scratch, 'lone-'));
    writeFileSync(path.join(dir, 'Lone.template.json'), JSON.stringify({ Resources: { B: { Type: 'AWS::S3::Bucket' } } }));
    writeFileSync(path.join(dir, 'Lone.assets.json'), assets);
    return path.join(dir, 'Lone.template.json');
  };
  test.concurrent('a truncated one is one line naming it, exit 2', async () => {
    expectRefused(await run(['audit', '--template', lone('{"version":\n')]), /Lone\.assets\.json is not a valid asset manifest: not valid JSON$/, 20);
  });
  test.concurrent("an image build context outside the template's folder is refused", async () => {
    const assets = { version: '36.0.0', files: {}, dockerImages: { img: { source: { directory: '../../../../etc' }, destinations: {} } } };
    expectRefused(
      await run(['audit', '--template', lone(JSON.stringify(assets))]),
      /Lone\.assets\.json: asset img's directory points outside the assembly$/,
      20,
    );
  });
});

describe('D16: control characters and markdown from the input are data', () => {
  const hostile = () =>
    write(
      'td.json',
      TD([
        { name: 'x\u001b]0;owned\u0007\u001b[2J\r| OK |', image: 'nginx:1', privileged: true },
        { name: 'md', image: 'nginx:1', user: '0', workingDirectory: '@octocat ![x](https://example.com/x.png) </details>' },
      ]),
    );
  test.concurrent.each(FORMATS)('--format %s: no ESC, BEL or CR reaches the output', async (format) => {
    const r = await run(['audit', '--task-definition-file', hostile(), '--format', format]);
    expectReported(r, 1, 30);
    for (const c of ['\u001b', '\u0007', '\r', '\u009b']) expect(r.stdout).not.toContain(c);
  });
  test.concurrent('--format markdown: input text is in code spans, so no mention, image or HTML renders', async () => {
    const r = await run([
      'audit',
      '--dockerfile',
      write('Dockerfile', 'FROM alpine:3.20\nWORKDIR @octocat ![x](https://example.com/x.png) </details>\nUSER 1'),
      '--format',
      'markdown',
    ]);
    expect(r.stdout).toContain('| `WORKDIR @octocat ![x](https://example.com/x.png) </details> is relative` |');
  });
});
