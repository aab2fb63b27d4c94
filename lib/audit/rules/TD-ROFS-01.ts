import { isUnknown } from '../model';
import { containerRule } from './_kit';

/** An absent readonlyRootFilesystem is false (ECS.5). */
export default containerRule(
  {
    id: 'TD-ROFS-01',
    severity: 'high',
    title: 'Root filesystem writable',
    sources: ['CIS Docker 5.13', 'Security Hub ECS.5', 'CT.ECS.PR.6', 'checkov CKV_AWS_336 (Terraform)', 'ECS BP'],
    fix: 'Set `readonlyRootFilesystem: true` and give the paths the process writes a tmpfs (linuxParameters.tmpfs) or a volume.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) =>
    c.readonlyRootFilesystem === true || isUnknown(c.readonlyRootFilesystem)
      ? undefined
      : `readonlyRootFilesystem is ${c.readonlyRootFilesystem === undefined ? 'not set' : 'false'}: the process can change the image's files`,
);
