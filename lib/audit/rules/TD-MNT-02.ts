import { containerRule, hostMounts, isUnder } from './_kit';

/** Container runtime sockets (CIS Docker 5.32). */
const RUNTIME_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock'];

/**
 * A mount of a socket, or of a directory that holds one (`/var/run`, `/run/containerd`: our addition,
 * since the socket is then reachable too). `/` itself is left to TD-MNT-01.
 */
export function exposesRuntimeSocket(path: string): boolean {
  return path !== '/' && RUNTIME_SOCKETS.some((socket) => isUnder(socket, path));
}

export default containerRule(
  {
    id: 'TD-MNT-02',
    severity: 'critical',
    title: 'Runtime socket mounted',
    sources: ['CIS Docker 5.32'],
    fix: 'Remove the volume: whoever can talk to the Docker or containerd socket is root on the host.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c, td) =>
    hostMounts(c, td)
      .filter((m) => exposesRuntimeSocket(m.path))
      .map((m) => `mounts the container runtime socket through host path ${m.path} (volume "${m.volume}")`),
);
