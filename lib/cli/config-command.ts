import type { Command } from 'commander';
import { readCdkJsonContext } from '../config/load-config';
import { ENV_CONTEXT_KEY, resolveConfig } from '../config/resolve-config';
import { ConfigError } from '../config/validate-config';
import { UsageError } from './usage-error';

/**
 * `secure-ecs config [--file F] [--env NAME]`: print the effective configuration (defaults applied) or fail with
 * every invalid setting, exactly as `cdk synth` would, without synthesizing.
 */
export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('validate the configuration (cdk.json context, plus --env and --file) and print it with defaults applied')
    .option('-f, --file <path>', 'a JSON file of settings, as passed to cdk with -c configFile=<path>')
    .option('-e, --env <name>', 'a named environment under secure-ecs.environments, as passed to cdk with -c env=<name>')
    .option('--project <dir>', 'project directory holding cdk.json', '.')
    .action((opts: { file?: string; env?: string; project: string }) => {
      try {
        const context: Record<string, unknown> = {
          ...readCdkJsonContext(opts.project),
          ...(opts.file ? { configFile: opts.file } : {}),
          ...(opts.env !== undefined ? { [ENV_CONTEXT_KEY]: opts.env } : {}),
        };
        const config = resolveConfig((key) => context[key]);
        process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
      } catch (e) {
        if (e instanceof ConfigError) throw new UsageError(e.problems.join('; '));
        throw e;
      }
    });
}
