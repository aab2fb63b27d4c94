import { define } from './helpers/synth';

test("CDK's built-in CloudFormation validation passes, with errors as failures", () => {
  // GIVEN the validation that unit tests skip for speed (test/helpers/setup-env.ts)
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  try {
    const { app } = define();
    // cdk.json sets @aws-cdk/core:validateAgainstDefaultRules, which keeps errors as errors.
    expect(app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
    // THEN its one synthesis (the validation is the slow part) passes
    expect(() => app.synth()).not.toThrow();
  } finally {
    process.env.CDK_VALIDATION = previous;
  }
}, 60_000);

test.each(['mariadb', 'postgres'] as const)(
  'the validation passes with a %s database, persistent paths and HTTPS egress',
  (engine) => {
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'true';
    try {
      const { app } = define({ database: { engine }, egress: { internetHttps: true }, app: { persistentPaths: [{ path: '/srv/app/uploads' }] } });
      expect(() => app.synth()).not.toThrow();
    } finally {
      process.env.CDK_VALIDATION = previous;
    }
  },
  120_000,
);

test('the validation passes with a regional NAT gateway over 3 AZs and an e-mail subscription to the alarm topic', () => {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  try {
    const { app } = define({ network: { maxAzs: 3, natAvailabilityMode: 'regional' }, alarms: { email: 'ops@example.com' } });
    expect(() => app.synth()).not.toThrow();
  } finally {
    process.env.CDK_VALIDATION = previous;
  }
}, 120_000);
