import { capabilityName, DANGEROUS_CAPABILITIES } from './TD-CAP-02';
import { containerRule, knownItems } from './_kit';

/** Docker's default capability set (https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities). */
export const DOCKER_DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export default containerRule(
  {
    id: 'TD-CAP-03',
    severity: 'medium',
    title: 'Non-default capability added',
    sources: ['CIS Docker 5.4 (docker-bench logic)'],
    fix: "Remove capabilities outside Docker's default set from linuxParameters.capabilities.add, or justify them in an acknowledgement.",
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const added = knownItems(c.capabilitiesAdd)
      .map(capabilityName)
      .filter((a) => !DOCKER_DEFAULT_CAPABILITIES.has(a) && !DANGEROUS_CAPABILITIES.has(a));
    return added.length ? `capabilities.add includes ${added.join(', ')}, outside Docker's default set` : undefined;
  },
);
