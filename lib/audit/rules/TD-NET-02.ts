import { isUnknown } from '../model';
import { taskRule } from './_kit';

/** On EC2 an absent networkMode means bridge (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#network_mode). */
export default taskRule(
  {
    id: 'TD-NET-02',
    severity: 'low',
    title: 'Not using awsvpc',
    sources: ['CT.ECS.PR.4', 'Config ecs-awsvpc-networking-enabled', 'ECS BP "Use awsvpc network mode"', 'CIS Docker 5.30'],
    fix: 'Set networkMode to awsvpc: each task gets its own ENI and security group, and docker0 is not used.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (td) => {
    if (isUnknown(td.networkMode)) return undefined;
    if (td.networkMode === undefined) return "networkMode is not set (bridge on EC2): tasks share docker0 and the instance's security group";
    return td.networkMode === 'bridge' || td.networkMode === 'none' ? `networkMode is ${td.networkMode}, not awsvpc` : undefined;
  },
);
