import { isUnknown } from '../model';
import { activeUserData, agentRule } from './_kit';

/** Offline only partly visible: a second EBS mapping plus user data that mounts it at /var/lib/docker. */
export default agentRule(
  {
    id: 'HD-PART-01',
    severity: 'low',
    title: 'No separate /var/lib/docker volume',
    sources: ['CIS Docker 1.1.1'],
    fix: 'Add a second EBS volume to the launch template and mount it at /var/lib/docker before docker starts.',
    inputs: ['template'],
  },
  {
    userData: (ud, host) => {
      const devices = isUnknown(host.blockDevices) ? [] : host.blockDevices;
      const mounted = /(mount|fstab|mkfs)[^\n]*\/var\/lib\/docker|\/var\/lib\/docker[^\n]*(fstab|xfs|ext4)/.test(activeUserData(ud));
      return devices.filter((d) => d.ebs).length >= 2 && mounted ? undefined : '/var/lib/docker is on the root volume (no separate EBS volume mounted there)';
    },
    // Bottlerocket keeps container storage on its own data volume by design (/dev/xvdb, mounted at
    // /local; /var/lib/docker lives there): compliant when the launch template maps that second volume.
    bottlerocket: (_s, host) => {
      const devices = isUnknown(host.blockDevices) ? [] : host.blockDevices;
      return devices.filter((d) => d.ebs).length >= 2 ? undefined : 'the Bottlerocket data volume (/dev/xvdb) is not mapped';
    },
  },
);
