/**
 * Converts checkov's own test inputs into what `secure-ecs audit` reads, with checkov's verdict for
 * each resource, so the audit can be compared with it (./README.md).
 *
 *   npx tsx test/audit/peers/convert.ts <checkov git dir or work tree> [commit]
 *
 * Reads, at the given commit, `tests/cloudformation/checks/resource/aws/` (templates, YAML turned
 * into JSON by ./cfn-yaml.ts) and `tests/dockerfile/` (Dockerfiles), and writes them under
 * test/audit/peers/inputs/checkov/ (git-ignored: the peer's files are not committed, see README.md)
 * with verdicts.json. A verdict comes from the test's `passing_resources`/`failing_resources` when it
 * lists them; otherwise from the file or folder name (PASSED/FAILED, success/failure), and only when
 * that labelling gives exactly the pass and fail counts the test asserts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseCfnYaml } from './cfn-yaml';
import { PEER_CHECKS } from './peer-checks';
import type { PeerVerdict } from './verdicts';

const OUT = path.join(__dirname, 'inputs', 'checkov');
const CFN_TESTS = 'tests/cloudformation/checks/resource/aws';
const DOCKER_TESTS = 'tests/dockerfile/checks';
const DOCKER_GRAPH_TESTS = 'tests/dockerfile/graph_builder/checks/resources';

function gitReader(repo: string, commit: string) {
  const gitDir = execFileSync('git', ['-C', repo, 'rev-parse', '--git-dir'], { encoding: 'utf8' }).trim();
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', path.resolve(repo, gitDir), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return {
    commit: git('rev-parse', commit).trim(),
    list: (dir: string) => git('ls-tree', '-r', '--name-only', commit, `${dir}/`).split('\n').filter(Boolean),
    show: (file: string) => git('show', `${commit}:${file}`),
  };
}

/** The quoted strings of a Python set or list literal assigned to `name`. */
function pythonStrings(source: string, name: string): string[] | undefined {
  const match = new RegExp(`${name}\\s*=\\s*(?:set\\()?[\\[{]([^\\]}]*)[\\]}]`).exec(source);
  return match ? [...match[1].matchAll(/["']([^"']+)["']/g)].map((m) => m[1]) : undefined;
}

function summaryCount(source: string, key: 'passed' | 'failed'): number | undefined {
  const match = new RegExp(`summary\\[["']${key}["']\\],\\s*(\\d+)`).exec(source);
  return match ? Number(match[1]) : undefined;
}

const labelOf = (file: string): 'pass' | 'fail' | undefined => (/fail/i.test(file) ? 'fail' : /pass|success/i.test(file) ? 'pass' : undefined);

function main(): void {
  const [repo, commit = 'HEAD'] = process.argv.slice(2);
  if (!repo) throw new Error('usage: convert.ts <checkov checkout> [commit]');
  const peer = gitReader(repo, commit);
  rmSync(OUT, { recursive: true, force: true });
  const verdicts: PeerVerdict[] = [];
  const skipped: string[] = [];

  for (const check of PEER_CHECKS.filter((c) => c.peer === 'checkov' && c.kind === 'cloudformation')) {
    const testSource = peer.show(`${CFN_TESTS}/test_${check.name}.py`);
    // The test names its folder: `current_dir + "/example_X"` (or a shared one such as S3Templates).
    const dir = /current_dir \+ ["']\/([A-Za-z0-9_]+)["']/.exec(testSource)?.[1] ?? `example_${check.name}`;
    const files = peer.list(`${CFN_TESTS}/${dir}`).filter((f) => /\.(ya?ml|json)$/.test(f));
    const listed = { pass: pythonStrings(testSource, 'passing_resources'), fail: pythonStrings(testSource, 'failing_resources') };
    const found: PeerVerdict[] = [];
    for (const file of files) {
      const template = parseCfnYaml(peer.show(file)) as { Resources?: Record<string, { Type?: string }> } | null;
      if (!template?.Resources) continue;
      const rel = path.relative(CFN_TESTS, file).replace(/\.(ya?ml|json)$/, '.template.json');
      const out = path.join(OUT, 'cloudformation', rel);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(template, null, 2));
      for (const [logicalId, resource] of Object.entries(template.Resources)) {
        if (!check.resourceTypes.includes(String(resource?.Type))) continue;
        const key = `${resource?.Type}.${logicalId}`;
        const verdict =
          listed.pass || listed.fail ? (listed.fail?.includes(key) ? 'fail' : listed.pass?.includes(key) ? 'pass' : undefined) : labelOf(path.basename(file));
        if (verdict) found.push({ peer: 'checkov', check: check.id, name: check.name, input: path.relative(OUT, out), resource: logicalId, verdict });
      }
    }
    const counts = { pass: found.filter((v) => v.verdict === 'pass').length, fail: found.filter((v) => v.verdict === 'fail').length };
    const expected = { pass: summaryCount(testSource, 'passed'), fail: summaryCount(testSource, 'failed') };
    if (!listed.pass && !listed.fail && (counts.pass !== expected.pass || counts.fail !== expected.fail)) {
      skipped.push(
        `${check.id} ${check.name}: file names give ${counts.pass} passed/${counts.fail} failed, the test asserts ${expected.pass}/${expected.fail}`,
      );
      continue;
    }
    verdicts.push(...found);
  }

  for (const check of PEER_CHECKS.filter((c) => c.peer === 'checkov' && c.kind === 'dockerfile')) {
    const graph = check.id.startsWith('CKV2_');
    const base = graph ? `${DOCKER_GRAPH_TESTS}/${check.name}` : `${DOCKER_TESTS}/example_${check.name}`;
    const expected = graph ? (parse(peer.show(`${base}/expected.yaml`)) as { pass?: string[]; fail?: string[] }) : undefined;
    const testSource = graph ? '' : peer.show(`${DOCKER_TESTS}/test_${check.name}.py`);
    const listed = graph
      ? { pass: expected?.pass ?? [], fail: expected?.fail ?? [] }
      : { pass: pythonStrings(testSource, 'passing_resources'), fail: pythonStrings(testSource, 'failing_resources') };
    // A resource is `<file>.<INSTRUCTION>` (checkov's Dockerfile resource id); the file is the verdict's unit here.
    const fileOf = (resource: string) => resource.replace(/^\//, '').replace(/\.[A-Z]*$/, '');
    for (const file of peer.list(base).filter((f) => /Dockerfile/.test(path.basename(f)))) {
      const rel = path.relative(base, file);
      const out = path.join(OUT, 'dockerfile', check.name, rel);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, peer.show(file));
      const verdict =
        listed.fail || listed.pass
          ? listed.fail?.map(fileOf).includes(rel)
            ? 'fail'
            : listed.pass?.map(fileOf).includes(rel)
              ? 'pass'
              : undefined
          : labelOf(rel.split('/')[0]);
      if (verdict) verdicts.push({ peer: 'checkov', check: check.id, name: check.name, input: path.relative(OUT, out), resource: rel, verdict });
    }
  }

  writeFileSync(path.join(OUT, 'verdicts.json'), JSON.stringify({ peer: 'bridgecrewio/checkov', commit: peer.commit, skipped, verdicts }, null, 2));
  console.log(`${verdicts.length} verdicts from bridgecrewio/checkov@${peer.commit.slice(0, 8)}; ${skipped.length} check(s) not labelled:`);
  for (const s of skipped) console.log(`  ${s}`);
}

main();
