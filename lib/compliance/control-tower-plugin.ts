/**
 * The AWS Control Tower proactive controls as a synth-time validation plugin: the cfn-guard rules
 * that @cdklabs/cdk-validator-cfnguard ships (rules/control-tower/cfn-guard, with the cfn-guard
 * binary for Linux and macOS; it runs offline). A violation fails `cdk synth` with the control's
 * id ([CT.S3.PR.2] ...). Acknowledge a deliberate exception on its resource with
 * `Validations.of(scope).acknowledge({ id: 'cdk-validator-cfnguard::<rule name>', reason })`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';

/** Name the plugin reports under; CDK's acknowledgement namespace for its rules. */
export const CONTROL_TOWER_PLUGIN_NAME = 'cdk-validator-cfnguard';

const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');
const METADATA_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'metadata');

export interface ControlTowerControl {
  /** Control id, for example CT.S3.PR.2. */
  readonly id: string;
  /** The guard rule file. */
  readonly ruleFile: string;
  /**
   * The rule's name in that file (s3_bucket_logging_enabled_check): what the plugin's violations
   * carry as ruleName and what an acknowledgement names after `cdk-validator-cfnguard::`.
   */
  readonly ruleName: string;
  /** CloudFormation resource types the control evaluates. */
  readonly resourceTypes: string[];
}

/** Every control the package ships, with the resource types it evaluates. */
export function controlTowerControls(): ControlTowerControl[] {
  return readdirSync(RULES_DIR).flatMap((service) =>
    readdirSync(path.join(RULES_DIR, service)).map((file) => {
      const name = path.basename(file, '.guard');
      const metadata = JSON.parse(readFileSync(path.join(METADATA_DIR, service, `${name}.metadata.json`), 'utf8'));
      const ruleFile = path.join(RULES_DIR, service, file);
      // The control's own rule is the first conditional one; helpers (is_cfn_template...) follow it.
      const ruleName = /^rule (\w+) when /m.exec(readFileSync(ruleFile, 'utf8'))?.[1] ?? name;
      return { id: metadata.Id as string, ruleFile, ruleName, resourceTypes: metadata.EvaluatedResourceTypes as string[] };
    }),
  );
}

/**
 * The plugin with every Control Tower rule of the package. Its violations carry the control's own
 * severity (medium, high...), and CDK recomputes a report's success from "error" severities once
 * any acknowledgement exists in the app (aws-cdk-lib synthesis-validation collectSuppressions), so
 * an unacknowledged violation would only print. Every violation is an error here: it fails synth.
 */
export function controlTowerPlugin(): IPolicyValidationPlugin {
  const guard = new CfnGuardValidator({ controlTowerRulesEnabled: true });
  return {
    name: guard.name,
    version: guard.version,
    ruleIds: guard.ruleIds,
    validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
      const report = guard.validate(context);
      return { ...report, violations: report.violations.map((v) => ({ ...v, severity: 'error' })) };
    },
  };
}
