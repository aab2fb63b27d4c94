/**
 * OOM kills podman misses: rootful podman 4.3 on cgroup v1 does not always set OOMKilled, so the
 * kernel log is read for the kill of the container's memory cgroup (kernel-oom-log.ts).
 */
import type { ContainerStatus, EngineInfo } from '../container-engine';
import { isOomKillOf, readKernelLog, type KernelRecord } from './kernel-oom-log';

export class OomWatch {
  /** Per container id: the run being watched for OOM kills, and the kernel log's last record when it was first seen. */
  private readonly runs = new Map<string, { startedAt: string; afterSeq: number; killed?: boolean }>();

  constructor(
    private readonly info: Pick<EngineInfo, 'rootless' | 'remote'>,
    /** The kernel's log, where OOM kills podman misses are read from (rootful podman only). */
    private readonly kernelLog: () => KernelRecord[] | undefined = readKernelLog,
  ) {}

  /**
   * podman's OOMKilled, or the kernel log's word for it (kernel-oom-log.ts): a run counts as OOM-killed
   * when the kernel logged an OOM kill in the container's memory cgroup after the runner first saw the
   * run (within the runner's one-second inspect interval of its start), as Docker's OOMKilled counts
   * any OOM kill in the container's cgroup during the run.
   */
  withKernelOom(doc: any, status: ContainerStatus): ContainerStatus {
    if (status.oomKilled || this.info.rootless || this.info.remote) return status;
    const id = String(doc.Id ?? '');
    const startedAt = String(doc.State?.StartedAt ?? '');
    const watch = this.runs.get(id);
    if (doc.State?.Running) {
      if (watch?.startedAt !== startedAt) {
        const log = this.kernelLog();
        if (log) this.runs.set(id, { startedAt, afterSeq: log.length ? log[log.length - 1].seq : -1 });
      }
      return status;
    }
    if (!watch || watch.startedAt !== startedAt) return status;
    // The kernel log is read once per ended run: the runner inspects a stopped container every second.
    watch.killed ??= (this.kernelLog() ?? []).some((r) => r.seq > watch.afterSeq && isOomKillOf(r, id));
    return watch.killed ? { ...status, oomKilled: true } : status;
  }
}
