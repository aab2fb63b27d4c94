import { isDeepStrictEqual } from 'node:util';
import { isUnknown } from '../model';
import { taskRule } from './_kit';

/** Intrinsics are compared structurally: two `Fn::GetAtt` of the same role are the same role (catalog §2.7). */
export default taskRule(
  {
    id: 'TD-ROLE-01',
    severity: 'medium',
    title: 'Task role = execution role',
    sources: ['checkov CKV_AWS_249 (Terraform)', 'ECS BP IAM chapter'],
    fix: 'Give the task its own role; the execution role (image pull, logs, secrets) must not be what the app runs with.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (td) => {
    if (td.taskRoleArn === undefined || td.executionRoleArn === undefined) return undefined;
    const a = isUnknown(td.taskRoleArn) ? td.taskRoleArn.expression : td.taskRoleArn;
    const b = isUnknown(td.executionRoleArn) ? td.executionRoleArn.expression : td.executionRoleArn;
    return isDeepStrictEqual(a, b) ? "taskRoleArn and executionRoleArn are the same role: the app holds the execution role's permissions" : undefined;
  },
);
