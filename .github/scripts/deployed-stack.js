// What the checks after `cdk deploy` need to know about the stack it just deployed, read from what
// the deploy itself wrote (called from .github/workflows/deploy-environment.yml):
//   - url: the URL `secure-ecs verify` probes: the stack's Url output, or the GitHub environment's
//     VERIFY_URL (an HTTPS stack's certificate names the app's domain, never the ALB's DNS name,
//     so its TLS probe would fail against the output's URL);
//   - cluster: the ClusterName output, for `secure-ecs audit --cluster`;
//   - lookup-role: the CDK bootstrap lookup role of the stack's account and region (AWS managed
//     ReadOnlyAccess, kms:Decrypt denied), which the live audit reads with; the deploy role may
//     assume it (lib/deploy-roles/github-deploy-roles-stack.ts), and the manifest names it as the
//     CDK CLI reads it (aws-cdk-lib DefaultStackSynthesizer lookupRole);
//   - allowed-methods: the methods beyond GET, HEAD and POST that app.methods lets through, which
//     verify must not expect to get 405 (its --allow-method).
// Every value is checked before it reaches a shell: the workflow passes them as arguments only.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const ALWAYS_ALLOWED = ['GET', 'HEAD', 'POST'];
/** CloudFormation's placeholders in a manifest's role ARNs, filled in by the CDK CLI at deploy. */
const PLACEHOLDERS = { partition: '${AWS::Partition}', account: '${AWS::AccountId}', region: '${AWS::Region}' };

class DeployedStackError extends Error {}

const readJson = (file, what) => {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DeployedStackError(`cannot read ${what} ${file}: ${e.code ?? e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new DeployedStackError(`${what} ${file} is not JSON`);
  }
};

/** `https://host/…` or `http://host/…`, nothing else (no spaces, no quotes, no control characters). */
function checkedUrl(text, from) {
  if (typeof text !== 'string' || !URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol) || /[\s"'`\\\p{Cc}]/u.test(text)) {
    throw new DeployedStackError(`${from} must be an http or https URL; received ${JSON.stringify(String(text).slice(0, 80))}`);
  }
  return text;
}

/**
 * @param {object} inputs
 * @param {string} inputs.assemblyDir the cloud assembly `cdk deploy` synthesized (cdk.out)
 * @param {string} inputs.outputsFile `cdk deploy --outputs-file`
 * @param {string} inputs.configFile `secure-ecs config --env <name>` (the resolved configuration)
 * @param {string} inputs.callerArn `aws sts get-caller-identity` Arn: the partition and account
 * @param {string} inputs.region the region deployed to
 * @param {string} [inputs.verifyUrl] the GitHub environment's VERIFY_URL, when set
 * @returns {{ url: string, cluster: string, 'lookup-role': string, 'allowed-methods': string }}
 */
function deployedStack({ assemblyDir, outputsFile, configFile, callerArn, region, verifyUrl }) {
  const config = readJson(configFile, 'the configuration');
  if (!config.environment?.name) throw new DeployedStackError('the configuration names no environment: run `secure-ecs config --env <name>`');
  const stackName = `${config.stackName}-${config.environment.name}`;

  const outputs = readJson(outputsFile, 'the outputs file')[stackName];
  if (!outputs) throw new DeployedStackError(`the outputs file ${outputsFile} has no stack ${stackName}`);
  const stackUrl = checkedUrl(outputs.Url, `the Url output of ${stackName}`);
  if (verifyUrl === undefined && stackUrl.startsWith('https:')) {
    throw new DeployedStackError(
      `${stackName} serves HTTPS with a certificate for your domain, not for the load balancer's name: set the GitHub environment variable VERIFY_URL to https://<your domain>/`,
    );
  }
  const url = verifyUrl === undefined ? stackUrl : checkedUrl(verifyUrl, 'VERIFY_URL');
  const cluster = outputs.ClusterName;
  if (typeof cluster !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(cluster)) {
    throw new DeployedStackError(`the ClusterName output of ${stackName} is not an ECS cluster name`);
  }

  const [, partition, , , account] = String(callerArn).split(':');
  if (!/^aws[a-z-]*$/.test(partition ?? '') || !/^\d{12}$/.test(account ?? '')) {
    throw new DeployedStackError(`the caller ARN ${JSON.stringify(String(callerArn).slice(0, 120))} is not an AWS ARN with an account`);
  }
  const manifest = readJson(path.join(assemblyDir, 'manifest.json'), 'the cloud assembly manifest');
  const template = manifest.artifacts?.[stackName]?.properties?.lookupRole?.arn;
  if (typeof template !== 'string') throw new DeployedStackError(`the cloud assembly has no lookup role for ${stackName}`);
  const lookupRole = template.replaceAll(PLACEHOLDERS.partition, partition).replaceAll(PLACEHOLDERS.account, account).replaceAll(PLACEHOLDERS.region, region);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(lookupRole)) {
    throw new DeployedStackError(`the lookup role of ${stackName} is not an IAM role ARN: ${JSON.stringify(lookupRole)}`);
  }

  const methods = (config.app?.methods ?? []).filter((m) => !ALWAYS_ALLOWED.includes(m));
  if (methods.some((m) => !/^[A-Z]{1,20}$/.test(m))) throw new DeployedStackError('app.methods holds something other than method names');
  return { url, cluster, 'lookup-role': lookupRole, 'allowed-methods': methods.join(' ') };
}

module.exports = { deployedStack, DeployedStackError };

// `node deployed-stack.js`: inputs from the environment, `name=value` lines for $GITHUB_OUTPUT on stdout.
if (require.main === module) {
  const env = process.env;
  try {
    const values = deployedStack({
      assemblyDir: env.ASSEMBLY_DIR ?? 'cdk.out',
      outputsFile: env.OUTPUTS_FILE ?? 'cdk-outputs.json',
      configFile: env.CONFIG_FILE ?? 'config.json',
      callerArn: env.CALLER_ARN ?? '',
      region: env.AWS_REGION ?? '',
      verifyUrl: env.VERIFY_URL ? env.VERIFY_URL : undefined,
    });
    for (const [name, value] of Object.entries(values)) process.stdout.write(`${name}=${value}\n`);
  } catch (e) {
    if (!(e instanceof DeployedStackError)) throw e;
    process.stderr.write(`deployed-stack: ${e.message}\n`);
    process.exitCode = 1;
  }
}
