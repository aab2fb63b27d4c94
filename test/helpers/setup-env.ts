// Unit tests skip CDK's built-in CloudFormation validation (about 2 s per synth, pitfalls/this-machine);
// test/cfn-validation.test.ts turns it back on for one synth with errors as failures, as `npm start` does.
process.env.CDK_VALIDATION ??= 'false';
// Never let the machine's AWS settings leak into a synth.
delete process.env.CDK_DEFAULT_ACCOUNT;
delete process.env.CDK_DEFAULT_REGION;
