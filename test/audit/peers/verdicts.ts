/**
 * The audit's verdict on a resource a peer judged, and whether the two agree. The audit
 * runs as the CLI runs it: the real loaders (`loadCloudFormation`, `loadDockerfile`) and every rule.
 */
import * as path from 'node:path';
import { runAudit } from '../../../lib/audit/engine';
import { AuditInputError } from '../../../lib/audit/errors';
import type { AuditModel } from '../../../lib/audit/model';
import { loadCloudFormation, modelFromTemplate, stackNameOf } from '../../../lib/audit/sources/cloudformation';
import { readJson } from '../../../lib/audit/sources/read-json';
import { loadDockerfile } from '../../../lib/audit/sources/dockerfile';
import { type PeerCheck, PEER_CHECKS } from './peer-checks';

export interface PeerVerdict {
  readonly peer: 'checkov' | 'prowler';
  readonly check: string;
  readonly name: string;
  /** Input file, relative to the peer's inputs folder. */
  readonly input: string;
  /** The logical id (templates) or the file (Dockerfiles). */
  readonly resource: string;
  readonly verdict: 'pass' | 'fail';
}

export interface Comparison extends PeerVerdict {
  readonly rules: readonly string[];
  /** The audit flagged the resource with one of the check's rules. */
  readonly flagged: boolean;
  readonly agrees: boolean;
  /** Why the audit could not read the input, when it refused it. */
  readonly refused?: string;
}

function checkOf(v: Pick<PeerVerdict, 'peer' | 'check'>): PeerCheck {
  const check = PEER_CHECKS.find((c) => c.peer === v.peer && c.id === v.check);
  if (!check) throw new Error(`no peer check ${v.peer} ${v.check}`);
  return check;
}

/**
 * Runs the audit once per input file, and answers for each resource in it. `modelOnly` maps the
 * template without the CLI's loader (which, before the peer-parity changes of 94a67d8..85c904e,
 * refused a template without a task definition), to measure the rules apart from that refusal.
 */
export function comparer(inputsDir: string, ruleExists: (id: string) => boolean, modelOnly = false) {
  const cache = new Map<string, { findings: { ruleId: string; resource: string; logicalId?: string }[]; refused?: string }>();
  const audit = (input: string, kind: PeerCheck['kind']) => {
    let result = cache.get(input);
    if (!result) {
      const file = path.join(inputsDir, input);
      try {
        const model: AuditModel =
          kind === 'dockerfile' || !input.endsWith('.json')
            ? loadDockerfile(file, input)
            : modelOnly
              ? modelFromTemplate({ stack: stackNameOf(file), file, ...(({ json, text }) => ({ template: json, text }))(readJson(file)) })
              : loadCloudFormation(file);
        const findings = runAudit(model).findings.map((f) => ({ ruleId: f.ruleId, resource: f.resource, logicalId: f.origin?.logicalId }));
        result = { findings };
      } catch (e) {
        if (!(e instanceof AuditInputError)) throw e;
        result = { findings: [], refused: e.message };
      }
      cache.set(input, result);
    }
    return result;
  };
  return (v: PeerVerdict): Comparison => {
    const check = checkOf(v);
    const rules = check.rules.filter(ruleExists);
    const { findings, refused } = audit(v.input, check.kind);
    const flagged = findings.some(
      (f) =>
        rules.includes(f.ruleId) &&
        (check.kind === 'dockerfile' ? f.resource === v.input : f.resource.endsWith(`/${v.resource}`) || f.logicalId === v.resource),
    );
    return { ...v, rules, flagged, agrees: flagged === (v.verdict === 'fail'), ...(refused ? { refused } : {}) };
  };
}
