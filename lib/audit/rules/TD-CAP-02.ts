import { containerRule, knownItems } from './_kit';

/** Capabilities that break container isolation (CIS 5.4; docker-bench community checks C.5.3.1–4). */
export const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'DAC_READ_SEARCH',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'NET_ADMIN',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'SYS_RESOURCE',
  'LINUX_IMMUTABLE',
]);

/** ECS spells capabilities without Docker's `CAP_` prefix; accept either. */
export function capabilityName(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}

export default containerRule(
  {
    id: 'TD-CAP-02',
    severity: 'high',
    title: 'Dangerous capability added',
    sources: ['CIS Docker 5.4', 'docker-bench C.5.3.1–C.5.3.4'],
    fix: 'Remove the capability from linuxParameters.capabilities.add; redesign the task so it does not need host-level power.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const added = knownItems(c.capabilitiesAdd)
      .map(capabilityName)
      .filter((a) => DANGEROUS_CAPABILITIES.has(a));
    return added.length ? `capabilities.add includes ${added.join(', ')}` : undefined;
  },
);
