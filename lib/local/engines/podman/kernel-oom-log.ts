/**
 * OOM kills from the kernel's own log, for an engine that does not report them itself: podman 4.3
 * with runc and cgroupfs on a cgroup v1 (hybrid) host leaves `State.OOMKilled` false even when the
 * kernel killed the container's main process for its memory limit (measured here; conmon's v1
 * detection reads the cgroup's OOM counter after the cgroup may be gone: containers/conmon#98).
 * The kernel logs each memory-cgroup OOM kill as one `oom-kill:` record naming the cgroup that hit its
 * limit, `oom_memcg=/libpod_parent/<pod>/libpod-<container id>` (mm/oom_kill.c, dump_oom_victim).
 * /dev/kmsg gives records with sequence numbers (Documentation/ABI/testing/dev-kmsg), so a kill can be
 * placed after a container's start even when the ring buffer has wrapped. Reading it needs root
 * (CAP_SYSLOG where dmesg_restrict is set): this is used for rootful podman only.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';

export interface KernelRecord {
  readonly seq: number;
  readonly message: string;
}

/** The records of a /dev/kmsg dump: `prio,seq,usec,flags;message` per record. Pure. */
export function parseKmsg(records: string[]): KernelRecord[] {
  return records.flatMap((r) => {
    const m = /^\d+,(\d+),\d+,[^;]*;(.*)/s.exec(r);
    return m ? [{ seq: Number(m[1]), message: m[2].split('\n')[0] }] : [];
  });
}

/** Whether a record is the kernel's report of an OOM kill in the container's own memory cgroup. Pure. */
export function isOomKillOf(record: KernelRecord, containerId: string): boolean {
  if (!record.message.startsWith('oom-kill:')) return false;
  const memcg = /(?:^|,)oom_memcg=([^,]*)/.exec(record.message)?.[1] ?? '';
  // cgroupfs: .../libpod-<id>; systemd: .../libpod-<id>.scope.
  return new RegExp(`/libpod-${containerId}(\\.scope)?$`).test(memcg);
}

/** Every record /dev/kmsg still holds, or undefined where it cannot be read (not root, not Linux). */
export function readKernelLog(device = '/dev/kmsg'): KernelRecord[] | undefined {
  let fd: number;
  try {
    fd = openSync(device, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const records: string[] = [];
  const buf = Buffer.alloc(8192);
  try {
    for (;;) {
      try {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n <= 0) break;
        records.push(buf.toString('utf8', 0, n));
      } catch (e) {
        // EPIPE: a record was overwritten while reading; the next read goes on from the oldest left.
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') continue;
        break; // EAGAIN: no more records.
      }
    }
  } finally {
    closeSync(fd);
  }
  return parseKmsg(records);
}
