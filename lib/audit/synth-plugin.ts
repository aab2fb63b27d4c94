/**
 * The audit as a CDK validation plugin (the core `IPolicyValidationPlugin` API, as cdk-nag v3 uses:
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.IPolicyValidationPlugin.html). It runs the
 * same rules over every synthesized template (and the Dockerfiles of its image assets) and fails
 * `cdk synth` on an unacknowledged finding at `failOn` or above, naming the rule id and the fix.
 *
 * Acknowledgements come from the same repository file as the CLI's (audit-acknowledgements.json),
 * so one list serves both.
 */
import * as path from 'node:path';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { type Acknowledgement, loadAcknowledgementsIfPresent } from './acknowledgements';
import { runAudit } from './engine';
import { mergeModels, type Severity, severityRank } from './model';
import { RULES } from './rules';
import { assetDockerfiles, modelFromTemplate, stackNameOf } from './sources/cloudformation';
import { readJson } from './sources/read-json';
import { AUDIT_VERSION } from './version';

/** The repository's acknowledgements file. */
export const REPOSITORY_ACKNOWLEDGEMENTS = path.join(__dirname, '..', '..', 'audit-acknowledgements.json');

export interface SecureEcsAuditPluginProps {
  /**
   * Acknowledged findings.
   *
   * @default - the entries of audit-acknowledgements.json at the repository root
   */
  readonly acknowledgements?: readonly Acknowledgement[];
  /**
   * Lowest severity that fails synth.
   *
   * @default 'medium' (issue 4: the app keeps zero unacknowledged findings at medium or above)
   */
  readonly failOn?: Severity;
}

export class SecureEcsAuditPlugin implements IPolicyValidationPlugin {
  readonly name = 'secure-ecs-audit';
  readonly version = AUDIT_VERSION;
  readonly ruleIds = RULES.map((r) => r.id);
  private readonly acknowledgements: readonly Acknowledgement[];
  private readonly failOn: Severity;

  constructor(props: SecureEcsAuditPluginProps = {}) {
    this.acknowledgements = props.acknowledgements ?? loadAcknowledgementsIfPresent(REPOSITORY_ACKNOWLEDGEMENTS);
    this.failOn = props.failOn ?? 'medium';
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const model = mergeModels(
      ...context.templatePaths.flatMap((file) => {
        const { json, text } = readJson(file);
        return [modelFromTemplate({ stack: stackNameOf(file), file, template: json, text }), assetDockerfiles(file)];
      }),
    );
    const result = runAudit(model, { acknowledgements: this.acknowledgements, failOn: this.failOn });
    const failing = result.findings.filter((f) => !f.acknowledged && severityRank(f.severity) >= severityRank(this.failOn));

    const byRule = new Map<string, typeof failing>();
    for (const f of failing) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    const violations: PolicyViolation[] = [...byRule].map(([ruleId, findings]) => ({
      ruleName: ruleId,
      description: `${ruleId} ${findings[0].title} (${findings[0].severity}): ${findings.map((f) => (f.container ? `${f.container}: ${f.message}` : f.message)).join('; ')}`,
      fix: `${findings[0].fix} Or, if deliberate, add an entry with the reason to audit-acknowledgements.json.`,
      severity: 'error',
      violatingResources: findings.map((f) =>
        f.origin?.logicalId && f.origin.file
          ? { resourceLogicalId: f.origin.logicalId, templatePath: f.origin.file, locations: [f.container ? `Properties/ContainerDefinitions/${f.container}` : 'Properties'] }
          : { templatePath: f.origin?.file, locations: [f.resource] },
      ),
    }));
    return { success: violations.length === 0, violations, pluginVersion: AUDIT_VERSION };
  }
}
