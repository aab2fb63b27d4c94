import { isUnknown } from '../model';
import { taskRule } from './_kit';

export default taskRule(
  {
    id: 'TD-EFS-01',
    severity: 'medium',
    title: 'EFS volume without TLS',
    sources: ['Security Hub ECS.18', 'checkov CKV_AWS_97'],
    fix: 'Set efsVolumeConfiguration.transitEncryption to ENABLED.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (td) => {
    const volumes = td.volumes === undefined || isUnknown(td.volumes) ? [] : td.volumes;
    return volumes
      .filter((v) => v.efs && !isUnknown(v.efs.transitEncryption) && v.efs.transitEncryption !== 'ENABLED')
      .map((v) => `EFS volume "${String(v.name)}" does not enable transitEncryption`);
  },
);
