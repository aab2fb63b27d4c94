import { containerRule, known } from './_kit';

/** A heuristic for CIS 5.7 (no sshd in containers): the task definition cannot show processes. */
export default containerRule(
  {
    id: 'TD-PORT-02',
    severity: 'medium',
    title: 'SSH port exposed',
    sources: ['CIS Docker 5.7 (heuristic)', 'checkov CKV_DOCKER_1'],
    fix: 'Do not run sshd in containers; use ECS Exec or Session Manager on the host when access is needed.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const mappings = c.portMappings === undefined || !Array.isArray(c.portMappings) ? [] : c.portMappings;
    return mappings.some((p) => known(p.containerPort) === 22) ? 'maps container port 22 (SSH)' : undefined;
  },
);
