#!/usr/bin/env node
/**
 * `secure-ecs`: the project's CLI. Each subcommand lives in lib/cli/ and registers itself here.
 * Bad input exits 2 with a one-line reason; unexpected failures exit 1.
 */
import { Command, CommanderError } from 'commander';
import { registerAuditCommand } from '../lib/cli/audit-command';
import { registerConfigCommand } from '../lib/cli/config-command';
import { registerFitCheckCommand } from '../lib/cli/fit-check-command';
import { registerLocalCommand } from '../lib/cli/local-command';
import { registerSbomCommand } from '../lib/cli/sbom-command';
import { TOOL_VERSION } from '../lib/cli/tool-version';
import { registerVerifyCommand } from '../lib/cli/verify-command';
import { escapeControl } from '../lib/audit/untrusted-text';
import { UsageError } from '../lib/cli/usage-error';

const program = new Command()
  .name('secure-ecs')
  .description('Hardened PHP + nginx on Amazon ECS (EC2): configuration, local runs, security audits and deployment probes')
  .version(TOOL_VERSION)
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerConfigCommand(program);
registerLocalCommand(program);
registerAuditCommand(program);
registerFitCheckCommand(program);
registerVerifyCommand(program);
registerSbomCommand(program);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; commander already printed its one-line usage error.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    if (e instanceof UsageError) {
      // The message can quote input (a file name, an API answer): escaped so it stays one harmless line.
      process.stderr.write(`secure-ecs: ${escapeControl(e.message)}\n`);
      process.exit(2);
    }
    process.stderr.write(`secure-ecs: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  }
}

void main();
