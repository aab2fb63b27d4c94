import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Acknowledgement, loadAcknowledgements } from '../audit/acknowledgements';
import { acknowledgementsFromAssembly } from '../audit/assembly-acknowledgements';
import { runAudit } from '../audit/engine';
import { AuditInputError } from '../audit/errors';
import { writeReportFile } from './write-report-file';
import { type AuditModel, mergeModels, SEVERITIES, type Severity } from '../audit/model';
import { renderJson } from '../audit/report/json';
import { renderMarkdown } from '../audit/report/markdown';
import { renderSarif } from '../audit/report/sarif';
import { summaryLine } from '../audit/report/summary-line';
import { renderTable } from '../audit/report/table';
import { loadCloudFormation } from '../audit/sources/cloudformation';
import { loadDockerfile } from '../audit/sources/dockerfile';
import { ECR_REPOSITORY_NAME } from '../account/account-settings';
import { loadLiveAccount } from '../audit/sources/live-account';
import { DEFAULT_LIVE_TIME_LIMIT_SECONDS } from '../audit/sources/live-client';
import { loadLiveEcs } from '../audit/sources/live-ecs';
import { loadTaskDefinitionFile } from '../audit/sources/task-definition-file';
import { escapeControl, redactUrls } from '../audit/untrusted-text';
import { CloudAssemblyError } from '../cdk-out/assembly';
import { UsageError } from './usage-error';

export const AUDIT_FORMATS = ['table', 'json', 'sarif', 'markdown'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** Used when --acknowledgements is not given and the file exists in the working directory. */
const DEFAULT_ACKNOWLEDGEMENTS_FILE = 'audit-acknowledgements.json';

interface AuditCommandOptions {
  template: string[];
  taskDefinitionFile: string[];
  dockerfile: string[];
  cluster?: string;
  region?: string;
  profile?: string;
  family: string[];
  allRevisions?: boolean;
  endpoint?: string;
  timeout?: string;
  account?: boolean;
  assetsRepository?: string;
  format: AuditFormat;
  failOn: Severity;
  output?: string;
  acknowledgements?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Progress for long live audits: one rewritten line on a terminal, plain lines in CI logs. */
function progressWriter(): { progress: (message: string) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let written = false;
  return {
    progress: (message) => {
      written = true;
      // Names in the message come from the account (cluster names): escaped like every printed input.
      const line = escapeControl(message);
      process.stderr.write(tty ? `\r\x1b[2Ksecure-ecs audit: ${line}` : `secure-ecs audit: ${line}\n`);
    },
    done: () => {
      if (tty && written) process.stderr.write('\n');
    },
  };
}

function render(format: AuditFormat, result: ReturnType<typeof runAudit>): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result);
    case 'markdown':
      return renderMarkdown(result);
    default:
      return renderTable(result, { width: process.stdout.columns });
  }
}

/** AWS region names: `eu-west-1`, `us-gov-west-1`, `eu-isoe-west-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function checkUsage(opts: AuditCommandOptions): void {
  // An unset shell variable (`--cluster "$CLUSTER"`) must not become an audit of nothing that passes.
  for (const [flag, values] of [
    ['--template', opts.template],
    ['--task-definition-file', opts.taskDefinitionFile],
    ['--dockerfile', opts.dockerfile],
    ['--cluster', opts.cluster === undefined ? [] : [opts.cluster]],
    ['--family', opts.family],
  ] as const) {
    if (values.some((v) => v.trim() === '')) throw new UsageError(`${flag} is empty (an unset variable?); give a value`);
  }
  const live = opts.cluster !== undefined || opts.family.length > 0;
  if (!live && opts.template.length + opts.taskDefinitionFile.length + opts.dockerfile.length === 0) {
    throw new UsageError('nothing to audit: give --template, --task-definition-file, --dockerfile, --cluster or --family');
  }
  if (opts.allRevisions && opts.family.length === 0) throw new UsageError('--all-revisions applies to --family; give --family NAME');
  for (const [flag, value] of [
    ['--region', opts.region],
    ['--profile', opts.profile],
    ['--endpoint', opts.endpoint],
    ['--timeout', opts.timeout],
    ['--account', opts.account],
  ] as const) {
    if (value !== undefined && !live) throw new UsageError(`${flag} applies to a live audit; give --cluster or --family`);
  }
  if (opts.assetsRepository !== undefined && !opts.account) throw new UsageError('--assets-repository applies to --account; give --account');
  if (opts.assetsRepository !== undefined && !ECR_REPOSITORY_NAME.test(opts.assetsRepository)) {
    throw new UsageError(`--assets-repository must be an ECR repository name; received ${JSON.stringify(escapeControl(opts.assetsRepository))}`);
  }
  if (opts.region !== undefined && !REGION.test(opts.region)) {
    throw new UsageError(`--region must be an AWS region name such as eu-west-1; received ${JSON.stringify(opts.region)}`);
  }
  if (opts.endpoint !== undefined) {
    const shown = JSON.stringify(redactUrls(opts.endpoint));
    if (!URL.canParse(opts.endpoint)) throw new UsageError(`--endpoint must be a URL; received ${shown}`);
    if (!['http:', 'https:'].includes(new URL(opts.endpoint).protocol)) throw new UsageError(`--endpoint must be an http or https URL; received ${shown}`);
  }
  if (opts.timeout !== undefined && !/^[1-9]\d{0,5}$/.test(opts.timeout)) {
    throw new UsageError(`--timeout must be a whole number of seconds from 1 to 999999; received ${JSON.stringify(opts.timeout)}`);
  }
}

async function audit(opts: AuditCommandOptions): Promise<void> {
  checkUsage(opts);
  let acknowledgements: Acknowledgement[] = [];
  if (opts.acknowledgements !== undefined) acknowledgements = loadAcknowledgements(opts.acknowledgements);
  else if (existsSync(DEFAULT_ACKNOWLEDGEMENTS_FILE)) acknowledgements = loadAcknowledgements(DEFAULT_ACKNOWLEDGEMENTS_FILE);
  // A CDK app's own acknowledgements, written next to its resources, travel in its cloud assembly.
  acknowledgements = [...acknowledgements, ...opts.template.filter(existsSync).flatMap(acknowledgementsFromAssembly)];

  const models: AuditModel[] = [
    ...opts.template.map(loadCloudFormation),
    ...opts.taskDefinitionFile.map(loadTaskDefinitionFile),
    ...opts.dockerfile.map((file) => loadDockerfile(file)),
  ];
  if (opts.cluster !== undefined || opts.family.length > 0) {
    // The SDK warns on Node 20 that releases after January 2027 need Node 22; this project pins its
    // SDK version and supports Node 20 (package.json engines), and the multi-line warning would break
    // the CLI's one-line error contract. The setting is the SDK's own switch (@aws-sdk/core
    // emitWarningIfUnsupportedVersion).
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { progress, done } = progressWriter();
    try {
      models.push(
        await loadLiveEcs({
          cluster: opts.cluster,
          families: opts.family,
          allRevisions: opts.allRevisions,
          region: opts.region,
          profile: opts.profile,
          endpoint: opts.endpoint,
          timeLimitSeconds: opts.timeout === undefined ? undefined : Number(opts.timeout),
          progress,
          warn: (line) => process.stderr.write(`secure-ecs audit: warning: ${escapeControl(line)}\n`),
        }),
      );
      if (opts.account) {
        models.push(
          await loadLiveAccount({
            region: opts.region,
            profile: opts.profile,
            assetsRepository: opts.assetsRepository,
            timeLimitSeconds: opts.timeout === undefined ? undefined : Number(opts.timeout),
            warn: (line) => process.stderr.write(`secure-ecs audit: warning: ${escapeControl(line)}\n`),
          }),
        );
      }
    } finally {
      done();
    }
  }

  const result = runAudit(mergeModels(...models), { acknowledgements, failOn: opts.failOn });
  const text = render(opts.format, result);
  if (opts.output !== undefined) {
    writeReportFile(opts.output, text, AuditInputError);
    process.stderr.write(`secure-ecs audit: ${summaryLine(result)}; report written to ${opts.output}\n`);
  } else {
    process.stdout.write(text);
  }
  if (result.summary.failed) process.exitCode = 1;
}

/**
 * `secure-ecs audit`: the security benchmark (docs/audit-rules.md) over a synthesized template or
 * cloud assembly, task definition files, Dockerfiles, or a live cluster and task definition families.
 * Exit 0 when no unacknowledged finding is at or above --fail-on, 1 when one is, 2 for bad input.
 */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('audit templates, task definitions, Dockerfiles or a live ECS cluster against the security benchmark')
    .option('--template <path>', 'a CloudFormation template, or a cloud assembly directory (cdk.out: all stacks); repeatable', collect, [])
    .option('--task-definition-file <path>', 'describe-task-definition output or a register-task-definition input (JSON); repeatable', collect, [])
    .option('--dockerfile <path>', 'a Dockerfile; repeatable', collect, [])
    .option('--cluster <name>', 'live: audit this ECS cluster (services and their deployed revisions, settings, capacity providers, instances)')
    .option('--family <family>', 'live: audit the latest ACTIVE revision of this task definition family; repeatable', collect, [])
    .option('--all-revisions', 'live: with --family, every ACTIVE revision instead of the latest')
    .option('--region <region>', "live: AWS region (default: the SDK's, e.g. AWS_REGION)")
    .option('--profile <profile>', 'live: AWS shared config profile')
    .option('--endpoint <url>', 'live: custom ECS endpoint URL (a VPC endpoint, or a local test server)')
    .option(
      '--account',
      "live: also audit the account's registry (signing and scanning of the CDK assets repository, its hardening) and GuardDuty's coverage of the cluster's hosts",
    )
    .option(
      '--assets-repository <name>',
      "live: with --account, the repository the CDK publishes images to (default: the bootstrap's, cdk-hnb659fds-container-assets-<account>-<region>)",
    )
    .option('--timeout <seconds>', `live: end the audit (exit 2) after this many seconds (default: ${DEFAULT_LIVE_TIME_LIMIT_SECONDS})`)
    .addOption(new Option('--format <format>', 'report format').choices(AUDIT_FORMATS).default('table'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an unacknowledged finding is at or above this severity').choices(SEVERITIES).default('high'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--acknowledgements <file>', `acknowledged findings (default: ./${DEFAULT_ACKNOWLEDGEMENTS_FILE} when present)`)
    .action(async (opts: AuditCommandOptions) => {
      try {
        await audit(opts);
      } catch (e) {
        // A malformed cloud assembly is bad input like a malformed template (D6).
        if (e instanceof AuditInputError || e instanceof CloudAssemblyError) throw new UsageError(e.message);
        throw e;
      }
    });
}
