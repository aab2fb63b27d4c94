/**
 * The address a rootless pod sees the host's connections to a published port come from, measured:
 * the ALB stand-in the proxy trusts (prepare.ts).
 */
import * as net from 'node:net';
import { LocalStepError } from '../../errors';
import { freePort } from '../../host/free-port';
import { pollUntil } from '../../poll';
import type { Podman } from './cli';

/** Connect to 127.0.0.1:port and return what the peer writes before it closes. */
function readOnce(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let data = '';
    sock.setTimeout(3000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (d) => (data += d));
    sock.on('error', reject);
    sock.on('close', () => resolve(data));
  });
}

/**
 * Rootless pods use slirp4netns, whose port handler delivers the host's connections from an address
 * inside the pod's own network (10.0.2.100 with slirp4netns's default CIDR, but configurable), so it
 * is measured rather than assumed: a throwaway pod publishes a port, a container in it accepts one
 * connection and prints the peer's address (Perl's IO::Socket, part of every Debian image's
 * perl-base).
 */
export async function probePeer(podman: Podman, labelKey: string, image: string): Promise<string> {
  const name = `secure-ecs-peer-probe-${process.pid}`;
  const port = await freePort();
  const inner = 18099;
  const script = `my $s = IO::Socket::INET->new(LocalPort => ${inner}, Listen => 1, ReuseAddr => 1) or die "listen: $!"; my $c = $s->accept; print $c "peer=" . $c->peerhost . "\\n"; close $c;`;
  await podman.run(['pod', 'rm', '--force', name]);
  await podman.ok('detect the load balancer stand-in', [
    'pod',
    'create',
    '--name',
    name,
    '--label',
    `${labelKey}=${name}`,
    '--publish',
    `127.0.0.1:${port}:${inner}`,
  ]);
  try {
    await podman.ok('detect the load balancer stand-in', [
      'run',
      '--detach',
      '--pod',
      name,
      '--name',
      `${name}-listener`,
      '--label',
      `${labelKey}=${name}`,
      '--user',
      '65534:65534',
      '--cap-drop',
      'ALL',
      '--pull',
      'never',
      '--entrypoint',
      'perl',
      image,
      '-MIO::Socket::INET',
      '-e',
      script,
    ]);
    const peer = await pollUntil(async () => /peer=(\S+)/.exec(await readOnce(port).catch(() => ''))?.[1], { everyMs: 200, deadlineMs: 15_000 });
    if (peer) return peer;
    throw new LocalStepError(
      'detect the load balancer stand-in',
      `no answer from a listener in a rootless pod on 127.0.0.1:${port} (the image ${image} needs perl)`,
    );
  } finally {
    await podman.run(['pod', 'rm', '--force', name]);
  }
}
