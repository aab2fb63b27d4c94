import { containerRule, hasUnknown, knownItems } from './_kit';

export default containerRule(
  {
    id: 'TD-CAP-01',
    severity: 'medium',
    title: 'Capabilities not dropped',
    sources: ['CIS Docker 5.4', 'ECS BP "Remove unnecessary Linux capabilities"'],
    fix: 'Set linuxParameters.capabilities.drop to ["ALL"] and add back only what the process needs.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const drop = knownItems(c.capabilitiesDrop).map((d) => d.toUpperCase());
    if (drop.includes('ALL') || hasUnknown(c.capabilitiesDrop)) return undefined;
    return drop.length
      ? `capabilities.drop is [${drop.join(', ')}], not ALL: Docker's other default capabilities remain`
      : "capabilities.drop does not contain ALL: Docker's 14 default capabilities remain";
  },
);
