/**
 * The audit as a CDK validation plugin (the core `IPolicyValidationPlugin` API, as cdk-nag v3 uses:
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.IPolicyValidationPlugin.html). It runs the
 * same rules over every synthesized template (and the Dockerfiles of its image assets) and fails
 * `cdk synth` on an unacknowledged finding at `failOn` or above, naming the rule id and the fix.
 *
 * Deliberate exceptions are CDK's own acknowledgements, written once next to the resource:
 * `Validations.of(scope).acknowledge({ id: 'secure-ecs-audit::<rule id>', reason })`. CDK matches
 * them against this plugin's violations by rule and construct path (each violation names the
 * template and logical id it comes from) and reports them as acknowledged
 * (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.Validations.html). An acknowledgement
 * list in the audit's own format (audit-acknowledgements.json, for templates audited outside CDK)
 * can still be passed in.
 */
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import type { Acknowledgement } from './acknowledgements';
import { runAudit } from './engine';
import { mergeModels, type Severity, severityRank } from './model';
import { RULES } from './rules';
import { assetDockerfiles, modelFromTemplate, stackNameOf } from './sources/cloudformation';
import { readJson } from './sources/read-json';
import { AUDIT_VERSION } from './version';

/** CDK's acknowledgement namespace for this plugin's rules: `secure-ecs-audit::<rule id>`. */
const AUDIT_PLUGIN_NAME = 'secure-ecs-audit';

export interface SecureEcsAuditPluginProps {
  /**
   * Acknowledged findings in the audit's own format, on top of CDK's acknowledgements.
   *
   * @default - none: exceptions are acknowledged on their constructs
   */
  readonly acknowledgements?: readonly Acknowledgement[];
  /**
   * Lowest severity that fails synth.
   *
   * @default 'medium' (the app keeps zero unacknowledged findings at medium or above)
   */
  readonly failOn?: Severity;
}

export class SecureEcsAuditPlugin implements IPolicyValidationPlugin {
  readonly name = AUDIT_PLUGIN_NAME;
  readonly version = AUDIT_VERSION;
  readonly ruleIds = RULES.map((r) => r.id);
  private readonly acknowledgements: readonly Acknowledgement[];
  private readonly failOn: Severity;

  constructor(props: SecureEcsAuditPluginProps = {}) {
    this.acknowledgements = props.acknowledgements ?? [];
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
      fix: `${findings[0].fix} Or, if deliberate, acknowledge it on the resource: Validations.of(scope).acknowledge({ id: '${AUDIT_PLUGIN_NAME}::${ruleId}', reason }).`,
      severity: 'error',
      violatingResources: findings.map((f) =>
        f.origin?.logicalId && f.origin.file
          ? {
              resourceLogicalId: f.origin.logicalId,
              templatePath: f.origin.file,
              locations: [f.container ? `Properties/ContainerDefinitions/${f.container}` : 'Properties'],
            }
          : { templatePath: f.origin?.file, locations: [f.resource] },
      ),
    }));
    return { success: violations.length === 0, violations, pluginVersion: AUDIT_VERSION };
  }
}
