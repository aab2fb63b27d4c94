import { isUnknown } from '../model';
import { activeUserData, agentRule } from './_kit';

/**
 * ECS BP IAM, "Block access to Amazon EC2 metadata": an iptables DROP to 169.254.169.254 for
 * container traffic. A rule in the DOCKER-USER chain counts as well as one in FORWARD on docker+
 * (DOCKER-USER survives dockerd restarts: aws/aws-cdk#17896). Only a finding when the launch
 * template's hop limit also lets containers through (> 1; unset is the AMI default, 2 on AL2023).
 */
const BLOCKS_IMDS =
  /iptables\b[^\n]*\b169\.254\.169\.254[^\n]*(-j|--jump)\s+(DROP|REJECT)|iptables\b[^\n]*(-j|--jump)\s+(DROP|REJECT)[^\n]*\b169\.254\.169\.254/;

export default agentRule(
  {
    id: 'AG-IMDS-02',
    severity: 'high',
    title: 'bridge tasks can reach IMDS',
    sources: ['ECS BP IAM ("Block access to Amazon EC2 metadata")'],
    fix: 'Drop container traffic to 169.254.169.254 with iptables (DOCKER-USER or FORWARD on docker+) and set the hop limit to 1.',
    inputs: ['template'],
  },
  {
    userData: (ud, host) => {
      const hop = host.hopLimit;
      if (isUnknown(hop) || (hop !== undefined && hop <= 1)) return undefined;
      const text = activeUserData(ud);
      const blocked = BLOCKS_IMDS.test(text) && /docker\+|DOCKER-USER|docker0/.test(text);
      return blocked ? undefined : `user data has no iptables rule dropping container traffic to IMDS, and the hop limit is ${hop ?? 'the AMI default'}`;
    },
    // Bottlerocket user data cannot add iptables rules (no shell): the hop limit is the only block.
    bottlerocket: (_s, host) => {
      const hop = host.hopLimit;
      if (isUnknown(hop) || (hop !== undefined && hop <= 1)) return undefined;
      return `a Bottlerocket host cannot drop container traffic to IMDS from its settings, and the hop limit is ${hop ?? 'the AMI default'}: set it to 1`;
    },
  },
);
