/**
 * A container's state from its inspect document. Docker's and podman's have the same shape (podman's
 * is Docker-compatible), except that podman 4.x also spells the health block `Healthcheck`.
 */
import type { ContainerStatus } from './container-engine';

/** An RFC 3339 time, or undefined for the zero time of a container never started or never exited. */
const inspectTime = (s: string | undefined) => (s && !s.startsWith('0001-') ? Date.parse(s) : undefined);

/** Pure. `image` is the engine's name for the container's image (its field differs by engine). */
export function statusFromInspect(doc: any, image: string | undefined): ContainerStatus {
  const state = doc.State ?? {};
  const health = state.Health ?? state.Healthcheck ?? {};
  const log: any[] = health.Log ?? [];
  return {
    status: String(state.Status ?? 'unknown'),
    exitCode: Number(state.ExitCode ?? 0),
    oomKilled: Boolean(state.OOMKilled),
    startedAt: inspectTime(state.StartedAt),
    finishedAt: inspectTime(state.FinishedAt),
    health: String(health.Status ?? ''),
    healthOutput: log.length ? String(log[log.length - 1].Output ?? '').trim() : undefined,
    image,
  };
}
