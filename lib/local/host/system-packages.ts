/**
 * Installing what the runner needs from the system's package manager: only with apt-get (Debian,
 * Ubuntu), only as root or with passwordless sudo, with progress; everywhere else the error names the
 * command to run for that platform.
 */
import { spawnSync } from 'node:child_process';
import { LocalStepError } from '../errors';
import type { Reporter } from '../progress';
import { runLines } from '../run-lines';
import { commandExists, type HostFacts } from './host-facts';

/** How this process could run the system package manager: as root, with passwordless sudo, or not at all. */
export function privilege(facts: Pick<HostFacts, 'uid'>): { prefix: string[] } | undefined {
  if (facts.uid === 0) return { prefix: [] };
  if (commandExists('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return { prefix: ['sudo', '-n'] };
  return undefined;
}

const isDebianLike = (f: Pick<HostFacts, 'distro'>) => f.distro.some((d) => d === 'debian' || d === 'ubuntu');
const isFedoraLike = (f: Pick<HostFacts, 'distro'>) => f.distro.some((d) => d === 'fedora' || d === 'rhel' || d === 'centos');

/**
 * The way to get a container engine on this platform, for the "no engine answers" message. Pure.
 * Docker is named first where users usually have it; podman where it is the distribution's engine.
 */
export function engineInstallHint(f: Pick<HostFacts, 'platform' | 'distro' | 'uid'>): string {
  const sudo = f.uid === 0 ? '' : 'sudo ';
  if (f.platform === 'darwin') {
    return 'install and start Docker Desktop (https://docs.docker.com/desktop/setup/install/mac-install/), or colima (`brew install colima docker && colima start`), or podman (`brew install podman && podman machine init && podman machine start`)';
  }
  if (f.platform === 'win32')
    return 'install Docker Desktop with the WSL 2 backend and run this from a WSL shell (https://docs.docker.com/desktop/features/wsl/)';
  const group = f.uid === 0 ? '' : ` and \`${sudo}usermod -aG docker $USER\` (then log in again)`;
  if (isDebianLike(f))
    return `\`${sudo}apt-get install -y docker.io\`${group}, or podman: \`${sudo}apt-get install -y podman runc catatonit uidmap slirp4netns\``;
  if (isFedoraLike(f)) return `\`${sudo}dnf install -y podman\`, or Docker Engine (https://docs.docker.com/engine/install/fedora/)${group}`;
  return 'install Docker Engine (https://docs.docker.com/engine/install/) or podman (https://podman.io/docs/installation)';
}

/** Install Debian packages with apt-get (progress from apt's output); throws with the command to run when we cannot. */
export async function aptInstall(facts: HostFacts, packages: string[], why: string, reporter: Reporter): Promise<void> {
  const command = `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
  const step = `install ${packages.join(' ')}`;
  if (!isDebianLike(facts) || !commandExists('apt-get')) {
    throw new LocalStepError(
      step,
      `${why}, and this is not a Debian/Ubuntu system (no apt-get): install ${packages.join(', ')} with the system's package manager`,
    );
  }
  const priv = privilege(facts);
  if (!priv) throw new LocalStepError(step, `${why}. Install it with:\n  ${command}`);
  await reporter.step(`${step} (${why})`, async (s) => {
    for (const args of [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', ...packages],
    ]) {
      const [cmd, ...rest] = [...priv.prefix, ...args];
      const { code, tail } = await runLines(cmd, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, onLine: (l) => s.update(l), tail: 20 });
      if (code !== 0) throw new LocalStepError(step, `${args.join(' ')} exited with ${code}; run it yourself: ${command}`, tail);
    }
  });
}
