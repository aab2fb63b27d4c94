/**
 * Agreement of the audit with checkov over checkov's converted test inputs (./convert.ts):
 *
 *   npx tsx test/audit/peers/measure.ts [--list] [--model-only]
 *
 * Counts resources, for checks whose equivalent rule exists, where the audit and checkov agree;
 * --list prints each disagreement. Issue 11 records the counts before and after its changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../../lib/audit/rules';
import { DELIBERATE_DIFFERENCES, differenceFor } from './differences';
import { comparer, type PeerVerdict } from './verdicts';

const INPUTS = path.join(__dirname, 'inputs', 'checkov');
if (!existsSync(path.join(INPUTS, 'verdicts.json'))) {
  console.error(`no converted inputs in ${INPUTS}: run test/audit/peers/convert.ts first`);
  process.exit(2);
}
const { commit, verdicts } = JSON.parse(readFileSync(path.join(INPUTS, 'verdicts.json'), 'utf8')) as { commit: string; verdicts: PeerVerdict[] };
const ruleIds = new Set(RULES.map((r) => r.id));
const compare = comparer(INPUTS, (id) => ruleIds.has(id), process.argv.includes('--model-only'));
const all = verdicts.map(compare);
const judged = all.filter((c) => c.rules.length > 0);
const agree = judged.filter((c) => c.agrees);
const documented = judged.filter((c) => !c.agrees && differenceFor(c));
console.log(`checkov@${commit.slice(0, 8)}: ${verdicts.length} resource verdicts, ${judged.length} with an equivalent rule`);
console.log(
  `agree ${agree.length}/${judged.length}; disagree ${judged.length - agree.length} (${documented.length} documented deliberate differences, ${judged.length - agree.length - documented.length} not)`,
);
console.log(`checks without an equivalent rule yet: ${[...new Set(all.filter((c) => c.rules.length === 0).map((c) => c.check))].join(', ') || 'none'}`);
if (process.argv.includes('--list')) {
  for (const c of judged.filter((x) => !x.agrees)) {
    const why = differenceFor(c)?.reason ?? c.refused ?? '';
    console.log(`${c.check} ${c.input} ${c.resource}: checkov ${c.verdict}, audit ${c.flagged ? 'flags' : 'passes'}${why ? ` — ${why}` : ''}`);
  }
}
void DELIBERATE_DIFFERENCES;
