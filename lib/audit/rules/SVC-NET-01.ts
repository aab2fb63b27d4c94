import { resourceRule } from './_kit';

export default resourceRule(
  {
    id: 'SVC-NET-01',
    severity: 'high',
    title: 'Service assigns public IP',
    sources: ['Security Hub ECS.2', 'CT.ECS.PR.9', 'checkov CKV_AWS_333 (Terraform)'],
    fix: 'Set assignPublicIp to DISABLED and run tasks in private subnets behind a load balancer.',
    inputs: ['template', 'live'],
  },
  (m) => m.services,
  (s) => (s.assignPublicIp === 'ENABLED' ? 'awsvpcConfiguration.assignPublicIp is ENABLED: tasks are reachable from the internet' : undefined),
);
