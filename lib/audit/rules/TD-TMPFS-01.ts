import { isUnknown } from '../model';
import { containerRule, hasUnknown, known, knownItems } from './_kit';

/** Our addition: with a read-only root, tmpfs is the only writable place, so it must not run code. */
export default containerRule(
  {
    id: 'TD-TMPFS-01',
    severity: 'low',
    title: 'tmpfs without noexec/nosuid',
    sources: ['hardening (our addition; pairs with TD-ROFS-01)'],
    fix: 'Add noexec and nosuid (and nodev) to the tmpfs mountOptions.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const mounts = c.tmpfs === undefined || isUnknown(c.tmpfs) ? [] : c.tmpfs;
    return mounts.flatMap((t) => {
      const options = knownItems(t.mountOptions);
      const missing = ['noexec', 'nosuid'].filter((o) => !options.includes(o));
      // An unknown option (`Fn::If`) may be the missing one: unknown values never produce a finding.
      return missing.length && !hasUnknown(t.mountOptions) ? [`tmpfs ${known(t.containerPath) ?? ''} lacks ${missing.join(' and ')}`] : [];
    });
  },
);
