import { containerRule, knownItems } from './_kit';

/** Namespaced sysctls Docker allows per container; others change the host (inference from Docker, catalog). */
const NAMESPACED = [/^net\./, /^kernel\.shm/, /^kernel\.msg/, /^kernel\.sem$/, /^fs\.mqueue\./];

export default containerRule(
  {
    id: 'TD-SYSCTL-01',
    severity: 'low',
    title: 'Risky systemControls',
    sources: ['ECS task definition parameters (systemControls)'],
    fix: 'Remove systemControls, or keep only namespaced net.*/kernel.shm*/kernel.msg*/kernel.sem/fs.mqueue.* in awsvpc mode.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c, td) => {
    const namespaces = knownItems(c.systemControls);
    if (namespaces.length === 0) return undefined;
    if (td.networkMode === 'host' || td.ipcMode === 'host') return `systemControls (${namespaces.join(', ')}) with a host namespace change the instance itself`;
    return namespaces.filter((n) => !NAMESPACED.some((p) => p.test(n))).map((n) => `systemControls sets ${n}, which is not namespaced`);
  },
);
