/** GuardDuty (GD-*): the cluster's container instances against GuardDuty's Runtime Monitoring coverage, as the live account source reads it. */
import { RULES } from '../../../lib/audit/rules';
import { coverage } from './account-models';
import { type Cases, ruleSuite } from './harness';

const CASES: Record<string, Cases> = {
  'GD-RTM-01': {
    field: /GuardDuty|runtime coverage/,
    compliant: [['every instance HEALTHY in the coverage', () => coverage({})]],
    nonCompliant: [
      ['no detector', () => coverage({ detectorId: undefined, enabled: false, coverage: {} })],
      ['Runtime Monitoring off', () => coverage({ enabled: false })],
      ['an instance missing from the coverage', () => coverage({ coverage: { 'i-1': { status: 'HEALTHY' } } })],
      [
        "an instance UNHEALTHY, with GuardDuty's issue",
        () => coverage({ coverage: { 'i-1': { status: 'HEALTHY' }, 'i-2': { status: 'UNHEALTHY', issue: 'VPC endpoint not found' } } }),
      ],
    ],
    notApplicable: [
      ['GuardDuty not read (no --account)', () => coverage(undefined)],
      ['no container instances', () => coverage({}, [])],
    ],
  },
};

ruleSuite(['GD'], CASES);

test('an UNHEALTHY instance is named with the issue GuardDuty gives', () => {
  const rule = RULES.find((r) => r.id === 'GD-RTM-01')!;
  const result = rule.check(coverage({ coverage: { 'i-1': { status: 'HEALTHY' }, 'i-2': { status: 'UNHEALTHY', issue: 'VPC endpoint not found' } } }));
  expect(result.findings.map((f) => f.message)).toEqual(["instance i-2's runtime coverage is UNHEALTHY: VPC endpoint not found"]);
});
