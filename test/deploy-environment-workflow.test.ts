/**
 * deploy-environment.yml after `cdk deploy`: the checks that make a deployment prove itself before
 * prod (issue 22, item 4). test/workflows.test.ts runs every workflow through GitHub's parser and
 * the project's pinning and permission rules; this file reads what the deploy job does, in order,
 * and how a failure ends it. .github/scripts/deployed-stack.js has its own test/deployed-stack.test.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './helpers/synth';

const load = (f: string) => parse(readFileSync(path.join(REPO_ROOT, '.github', 'workflows', f), 'utf8'));

describe('deploy-environment: the deployment proves itself before prod', () => {
  const job = load('deploy-environment.yml').jobs.deploy;
  const steps: any[] = job.steps;
  const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ''));
  const deploy = at(/npx cdk deploy /);
  const verify = at(/npx secure-ecs verify /);
  const audit = at(/npx secure-ecs audit --cluster /);
  const uses = (action: string) => steps.find((s) => String(s.uses).startsWith(`${action}@`));

  test('cdk deploy, then verify against the stack URL, then the live audit of its cluster', () => {
    expect([deploy, verify, audit].every((i) => i >= 0)).toBe(true);
    expect(deploy).toBeLessThan(verify);
    expect(verify).toBeLessThan(audit);
    expect(steps[deploy].run).toMatch(/--outputs-file cdk-outputs\.json/);
    expect(steps[verify].env.URL).toBe('${{ steps.stack.outputs.url }}');
    expect(steps[audit].env.CLUSTER).toBe('${{ steps.stack.outputs.cluster }}');
    // A real ALB appends the client address itself; --forwarded-for is for the local task only.
    expect(steps[verify].run).not.toMatch(/--forwarded-for/);
  });

  test('a failed probe or a high finding fails the job, so prod (needs: dev) does not start', () => {
    expect(job['continue-on-error']).toBeUndefined();
    for (const i of [deploy, verify, audit]) {
      expect(steps[i]['continue-on-error']).toBeUndefined();
      // Nothing swallows the exit status: no `|| true`, no `; exit 0`, no `set +e`.
      expect(steps[i].run).not.toMatch(/\|\|\s*(true|:)|exit 0|set \+e/);
    }
    expect(steps[verify].if).toBeUndefined(); // only after a successful deploy
    expect(steps[audit].run).toMatch(/--fail-on (high|medium)/);
    // The audit also runs when verify failed, but never when the deploy did not happen.
    expect(steps[audit].if).toBe("${{ !cancelled() && steps.stack.outcome == 'success' }}");
    expect(load('deploy.yml').jobs.prod.needs).toBe('dev');
  });

  test('the live audit reads with the read-only lookup role, and the reports are uploaded even when a check failed', () => {
    const login = steps.slice(verify, audit).find((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
    expect(login.with).toMatchObject({ 'role-to-assume': '${{ steps.stack.outputs.lookup-role }}', 'role-chaining': true });
    expect(steps[audit].run).toMatch(/--format sarif --output live-audit\.sarif/);
    expect(steps[verify].run).toMatch(/--format junit --output verify\.junit\.xml/);
    const sarif = uses('github/codeql-action/upload-sarif');
    expect(sarif.with.sarif_file).toBe('live-audit.sarif');
    expect(sarif.with.category).toContain('${{ inputs.environment }}');
    const artifact = uses('actions/upload-artifact');
    expect(artifact.with.path.split('\n')).toEqual(expect.arrayContaining(['verify.junit.xml', 'live-audit.sarif']));
    for (const upload of [sarif, artifact]) expect(upload.if).toMatch(/^\$\{\{ !cancelled\(\) && /);
    expect(steps.indexOf(sarif)).toBeGreaterThan(audit);
    expect(job.permissions['security-events']).toBe('write');
  });
});
