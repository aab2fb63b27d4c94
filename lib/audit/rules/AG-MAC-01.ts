import { type AuditModel, isUnknown } from '../model';
import { agentSettingIs, defineRule, evaluation, knownItems, NOT_APPLICABLE, type RuleFinding } from './_kit';

const MAC = [
  { prefix: 'apparmor:', variable: 'ECS_APPARMOR_CAPABLE', attribute: 'com.amazonaws.ecs.capability.apparmor' },
  { prefix: 'label:', variable: 'ECS_SELINUX_CAPABLE', attribute: 'com.amazonaws.ecs.capability.selinux' },
];

/** Whether any audited host or instance can place a task that uses this kind of MAC option. */
function capable(model: AuditModel, kind: (typeof MAC)[number]): boolean {
  return (
    model.hosts.some((h) => h.ecs && agentSettingIs(h, kind.variable, 'true')) || model.containerInstances.some((ci) => ci.attributes.includes(kind.attribute))
  );
}

/**
 * Placement fails when a task asks for AppArmor/SELinux options the agent does not advertise
 * (SDK docs for dockerSecurityOptions; aws/containers-roadmap#312). Needs both sides in the audit.
 */
export default defineRule({
  id: 'AG-MAC-01',
  severity: 'info',
  title: 'MAC option without agent capability',
  sources: ['SDK docs for dockerSecurityOptions', 'aws/containers-roadmap#312'],
  fix: 'Set ECS_APPARMOR_CAPABLE/ECS_SELINUX_CAPABLE=true on the instances, or remove the option from dockerSecurityOptions.',
  inputs: ['template', 'live'],
  check(model) {
    const hasAgents = model.hosts.some((h) => h.ecs) || model.containerInstances.length > 0;
    if (!hasAgents || model.taskDefinitions.length === 0) return NOT_APPLICABLE;
    const findings: RuleFinding[] = [];
    for (const td of model.taskDefinitions) {
      if (isUnknown(td.containers)) continue;
      for (const c of td.containers) {
        for (const option of knownItems(c.dockerSecurityOptions)) {
          const kind = MAC.find((k) => option.toLowerCase().startsWith(k.prefix));
          if (kind && !/(unconfined|disable)$/i.test(option) && !capable(model, kind)) {
            findings.push({
              resource: td.id,
              container: c.name,
              origin: td.origin,
              message: `dockerSecurityOptions "${option}" needs ${kind.variable}=true on the instances, which none of them set`,
            });
          }
        }
      }
    }
    return evaluation(findings);
  },
});
