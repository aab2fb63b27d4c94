import { isUnknown } from '../model';
import { defineRule, evaluation, findingOn, NOT_APPLICABLE } from './_kit';

/** One finding per resource that declares rules without a description (the group, or its separate ingress/egress resource). */
export default defineRule({
  id: 'EC2-SG-02',
  severity: 'low',
  title: 'SG rule without description',
  sources: ['checkov CKV_AWS_23'],
  fix: 'Give every ingress and egress rule a Description that says who needs it and why.',
  inputs: ['template'],
  check(model) {
    if (model.securityGroups.length === 0) return NOT_APPLICABLE;
    const undescribed = new Map<string, { resource: { id: string; origin: (typeof model.securityGroups)[number]['origin'] }; count: number }>();
    for (const sg of model.securityGroups) {
      for (const rule of [...sg.ingress, ...sg.egress]) {
        if (isUnknown(rule.description) || (typeof rule.description === 'string' && rule.description.trim() !== '')) continue;
        const entry = undescribed.get(rule.declaredIn.id) ?? { resource: rule.declaredIn, count: 0 };
        entry.count++;
        undescribed.set(rule.declaredIn.id, entry);
      }
    }
    return evaluation(
      [...undescribed.values()].map(({ resource, count }) => findingOn(resource, { message: `${count} security group rule(s) without a Description` })),
    );
  },
});
