/**
 * The GitHub Actions workflows and the Dependabot configuration cannot run here, so a typo must fail
 * here: every workflow goes through GitHub's own parser (test/helpers/workflow-parser.ts), then
 * through this project's rules: actions pinned by commit SHA, permissions declared per job, OIDC only
 * where AWS is reached.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { workflowErrors } from './helpers/workflow-parser';
import { REPO_ROOT } from './helpers/synth';
import { tempDir } from './helpers/temp-dir';

const WORKFLOWS = path.join(REPO_ROOT, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const read = (f: string) => readFileSync(path.join(WORKFLOWS, f), 'utf8');
const load = (f: string) => parse(read(f));
const SHA_PIN = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;

/** Every `uses:` of a workflow, job-level (reusable workflows) and step-level, with its line. */
function usesOf(text: string): { uses: string; line: string }[] {
  return text
    .split('\n')
    .filter((line) => /^\s*(-\s+)?uses:/.test(line))
    .map((line) => ({
      uses: line
        .replace(/^\s*(-\s+)?uses:\s*/, '')
        .replace(/\s+#.*$/, '')
        .trim(),
      line,
    }));
}

/** The project's rules for one workflow: what GitHub accepts but this project does not. */
function projectProblems(file: string, text: string): string[] {
  const workflow = parse(text);
  const problems: string[] = [];
  for (const { uses, line } of usesOf(text)) {
    if (uses.startsWith('./')) continue; // a local reusable workflow: reviewed with this repository
    if (!SHA_PIN.test(uses)) problems.push(`${file}: ${uses}: expected owner/repo@<40-hex commit SHA>`);
    else if (!/#\s*v\d+(\.\d+){0,2}\s*$/.test(line)) problems.push(`${file}: ${uses}: expected the version tag in a comment (# vX.Y.Z)`);
  }
  if (JSON.stringify(workflow.permissions) !== '{}') problems.push(`${file}: expected top-level permissions: {} (each job asks for its own)`);
  for (const [id, job] of Object.entries<any>(workflow.jobs ?? {})) {
    if (job.permissions === undefined) problems.push(`${file}: job ${id}: expected permissions`);
    const oidc = job.permissions?.['id-token'] === 'write';
    const reachesAws =
      typeof job.uses === 'string' || (job.steps ?? []).some((s: any) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'));
    if (oidc && !reachesAws) problems.push(`${file}: job ${id}: id-token: write without an OIDC login`);
    if (!oidc && reachesAws && typeof job.uses !== 'string')
      problems.push(`${file}: job ${id}: configure-aws-credentials needs id-token: write (OIDC, no stored keys)`);
    for (const step of job.steps ?? []) {
      const w = step.with ?? {};
      if ('aws-access-key-id' in w || 'aws-secret-access-key' in w) problems.push(`${file}: job ${id}: long-lived AWS keys; expected role-to-assume (OIDC)`);
    }
  }
  return problems;
}

test('the four workflows exist', () => {
  expect(files.sort()).toEqual(['ci.yml', 'deploy-environment.yml', 'deploy.yml', 'pr.yml']);
});

describe.each(files)('%s', (file) => {
  test("GitHub's workflow parser accepts it", async () => {
    expect(await workflowErrors(REPO_ROOT, path.join(WORKFLOWS, file))).toEqual([]);
  });

  test('pins every action by commit SHA, declares permissions per job, uses OIDC only where AWS is reached', () => {
    expect(projectProblems(file, read(file))).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  const scratch = tempDir('workflows-');
  const write = (content: string) => {
    const file = path.join(scratch, 'bad.yml');
    writeFileSync(file, content);
    return file;
  };

  test('the parser reports a misspelled key and a broken expression', async () => {
    const errors = await workflowErrors(
      scratch,
      write('on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissons: {}\n    steps:\n      - run: echo ${{ foo( }}\n'),
    );
    expect(errors).toEqual([expect.stringContaining("Unexpected value 'permissons'"), expect.stringContaining('Unexpected end of expression')]);
  });

  test('the parser checks a call against the reusable workflow it calls', async () => {
    mkdirSync(path.join(scratch, '.github', 'workflows'), { recursive: true });
    writeFileSync(path.join(scratch, '.github', 'workflows', 'deploy-environment.yml'), readFileSync(path.join(WORKFLOWS, 'deploy-environment.yml')));
    const errors = await workflowErrors(
      scratch,
      write(
        'on: push\npermissions: {}\njobs:\n  a:\n    permissions: {}\n    uses: ./.github/workflows/deploy-environment.yml\n    with:\n      enviroment: dev\n',
      ),
    );
    expect(errors).toEqual([
      expect.stringContaining('Input environment is required, but not provided while calling'),
      expect.stringContaining('Invalid input, enviroment is not defined in the referenced workflow'),
    ]);
  });

  test('the project rules report a tag pin, a missing job permission and a stray id-token', () => {
    const ci = read('ci.yml');
    const badCi = ci
      .replace(/actions\/checkout@[0-9a-f]{40} # v[\d.]+/, 'actions/checkout@v7')
      .replace('    permissions:\n      contents: read\n', '    permissions:\n      contents: read\n      id-token: write\n');
    const pr = load('pr.yml');
    delete pr.jobs.audit.permissions;
    const badPr = stringify(pr);
    expect(badCi).not.toBe(ci);
    const problems = [...projectProblems('ci.yml', badCi), ...projectProblems('pr.yml', badPr)];
    expect(problems).toEqual(
      expect.arrayContaining([
        'ci.yml: actions/checkout@v7: expected owner/repo@<40-hex commit SHA>',
        'ci.yml: job test: id-token: write without an OIDC login',
        'pr.yml: job audit: expected permissions',
      ]),
    );
  });
});

describe('what the workflows do', () => {
  test('CI runs on push and pull_request, on Node 22 and 24, with the e2e suite required on Docker', () => {
    const ci = load('ci.yml');
    expect(Object.keys(ci.on)).toEqual(['push', 'pull_request']);
    expect(ci.jobs.test.strategy.matrix.node).toEqual(['22', '24']);
    expect(ci.jobs.test.env.SECURE_ECS_ENGINE).toBe('docker');
    const runs = ci.jobs.test.steps.map((s: any) => s.run ?? '').join('\n');
    expect(runs).toMatch(/npm ci/);
    expect(runs).toMatch(/setsid npm start/);
    expect(ci.jobs.test.steps.find((s: any) => s.run === 'npm test').env).toEqual({ SECURE_ECS_E2E: 'required' });
  });

  test('CI writes the SBOM of each task image and uploads it as an artifact, once per Node version', () => {
    const steps = load('ci.yml').jobs.test.steps;
    const at = (match: (s: any) => boolean) => steps.findIndex(match);
    const sbom = at((s) => /secure-ecs\.js sbom --engine docker --output sbom$/.test(s.run ?? ''));
    const upload = at((s) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(sbom).toBeGreaterThan(at((s) => s.run === 'npm test'));
    expect(upload).toBe(sbom + 1);
    expect(steps[upload].with).toEqual({ name: 'sbom-node${{ matrix.node }}', path: 'sbom/*.cdx.json', 'if-no-files-found': 'error' });
  });

  test('pull requests: the audit goes to code scanning as SARIF and to a comment; cdk diff uses the read-only role', () => {
    const pr = load('pr.yml');
    const audit = pr.jobs.audit.steps;
    expect(audit.find((s: any) => String(s.uses).startsWith('github/codeql-action/upload-sarif@')).with.sarif_file).toBe('audit.sarif');
    expect(audit.map((s: any) => s.run ?? '').join('\n')).toMatch(/secure-ecs audit --template cdk.out --format sarif/);
    expect(pr.jobs.audit.permissions['id-token']).toBeUndefined();
    const diff = pr.jobs.diff;
    expect(diff.environment).toBeUndefined(); // its OIDC subject is repo:<owner>/<repo>:pull_request, trusted only by the diff role
    expect(diff.steps.find((s: any) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@')).with['role-to-assume']).toBe(
      '${{ vars.AWS_DIFF_ROLE_ARN }}',
    );
    expect(diff.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/cdk diff -c env=dev --method=template/);
  });

  test('deploy: main goes to dev, then to prod, each job in its GitHub environment', () => {
    const deploy = load('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.jobs.dev.with).toEqual({ environment: 'dev' });
    expect(deploy.jobs.prod).toMatchObject({ needs: 'dev', with: { environment: 'prod' } });
    const called = load('deploy-environment.yml').jobs.deploy;
    expect(called.environment).toBe('${{ inputs.environment }}');
    expect(called.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/cdk deploy -c env="\$TARGET"/);
    // A called workflow's job gets at most what its caller grants (GitHub refuses the run otherwise).
    for (const caller of [deploy.jobs.dev, deploy.jobs.prod]) expect(caller.permissions).toEqual(called.permissions);
    // What runs after the deploy: test/deploy-environment-workflow.test.ts.
  });

  test('the pull-request comment script updates its own comment instead of adding one per push', async () => {
    const comment = require(path.join(REPO_ROOT, '.github', 'scripts', 'pr-comment.js'));
    const file = path.join(tempDir('comment-'), 'report.md');
    writeFileSync(file, 'x'.repeat(70_000));
    const calls: string[] = [];
    const existing = [{ id: 7, user: { type: 'Bot' }, body: '<!-- m -->\nold' }];
    const github = {
      paginate: async () => existing,
      rest: {
        issues: {
          listComments: {},
          updateComment: async (a: any) => calls.push(`update ${a.comment_id} ${a.body.length}`),
          createComment: async () => calls.push('create'),
        },
      },
    };
    const body: string = await comment({
      github,
      context: { repo: { owner: 'o', repo: 'r' }, issue: { number: 1 } },
      file,
      marker: '<!-- m -->',
      title: 'T',
      fence: 'diff',
    });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/^<!-- m -->\n### T\n\n```diff\n/);
    expect(body).toContain('(truncated; the full output is in the job log)');
    expect(calls).toEqual([`update 7 ${body.length}`]);
    existing.length = 0;
    await comment({ github, context: { repo: { owner: 'o', repo: 'r' }, issue: { number: 1 } }, file, marker: '<!-- m -->', title: 'T' });
    expect(calls[1]).toBe('create');
  });
});

describe('Dependabot', () => {
  const config = parse(readFileSync(path.join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8'));
  const byEcosystem = (e: string) => config.updates.filter((u: any) => u['package-ecosystem'] === e);

  test('updates npm with aws-cdk-lib, the aws-cdk CLI and constructs in one group', () => {
    const [npm] = byEcosystem('npm');
    const groups = Object.values<any>(npm.groups);
    const cdk = groups.find((g) => g.patterns.includes('aws-cdk-lib'));
    expect(cdk.patterns).toEqual(expect.arrayContaining(['aws-cdk-lib', 'aws-cdk', 'constructs']));
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const name of ['aws-cdk-lib', 'aws-cdk', 'constructs']) expect({ ...pkg.dependencies, ...pkg.devDependencies }[name]).toBeDefined();
  });

  test('updates the GitHub Actions and the base images of both Dockerfiles', () => {
    expect(byEcosystem('github-actions')).toHaveLength(1);
    const dirs = byEcosystem('docker').flatMap((u: any) => u.directories ?? [u.directory]);
    expect(dirs.sort()).toEqual(['/containers/app', '/containers/proxy']);
    for (const d of dirs) expect(existsSync(path.join(REPO_ROOT, d, 'Dockerfile'))).toBe(true);
  });

  test('every entry has version 2 fields Dependabot requires (ecosystem, directory or directories, schedule interval)', () => {
    expect(config.version).toBe(2);
    for (const u of config.updates) {
      expect(['npm', 'github-actions', 'docker']).toContain(u['package-ecosystem']);
      expect(u.directory ?? u.directories).toBeDefined();
      expect(['daily', 'weekly', 'monthly']).toContain(u.schedule.interval);
    }
  });
});
