// Unit tests skip CDK's built-in CloudFormation validation (aws-cdk-lib AppProps
// builtinCloudFormationValidation: "Set CDK_VALIDATION=false in your environment"); it adds seconds
// to every full synth (test/cfn-validation.test.ts, the one synth that keeps it, takes the longest).
// That test turns it back on with errors as failures, as `npm start` does.
process.env.CDK_VALIDATION ??= 'false';
// Never let the machine's AWS settings leak into a synth.
delete process.env.CDK_DEFAULT_ACCOUNT;
delete process.env.CDK_DEFAULT_REGION;
