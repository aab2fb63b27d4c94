import { containerRule, known } from './_kit';

/** In awsvpc and host mode the host port is the container port. */
export default containerRule(
  {
    id: 'TD-PORT-01',
    severity: 'low',
    title: 'Privileged port mapped',
    sources: ['CIS Docker 5.8'],
    fix: 'Listen on a port of 1024 or above (for example 8080) and let the load balancer expose 80/443.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c, td) => {
    const sameAsHost = td.networkMode === 'awsvpc' || td.networkMode === 'host';
    const mappings = c.portMappings === undefined || !Array.isArray(c.portMappings) ? [] : c.portMappings;
    return mappings.flatMap((p) => {
      const port = known(p.hostPort) ?? (sameAsHost ? known(p.containerPort) : undefined);
      return port !== undefined && port >= 1 && port <= 1023 ? [`maps privileged host port ${port}`] : [];
    });
  },
);
