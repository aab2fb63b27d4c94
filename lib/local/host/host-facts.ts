/**
 * Facts about the machine the runner runs on, read once and passed down, so every platform branch
 * can be unit-tested with injected facts (macOS cannot run in CI). Linux-only files (/proc, /sys)
 * are read only on Linux.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface HostFacts {
  /** process.platform: linux, darwin, win32 ... */
  readonly platform: NodeJS.Platform;
  /** ID and ID_LIKE of /etc/os-release (debian, ubuntu, fedora, rhel ...); empty off Linux. */
  readonly distro: readonly string[];
  readonly uid: number;
  /** Only the unified cgroup v2 hierarchy is mounted. */
  readonly cgroupV2Unified: boolean;
  /** systemd is PID 1 (podman can use it as cgroup manager and for health-check timers). */
  readonly systemd: boolean;
  readonly hasRunc: boolean;
  /** Hard limits of this process (`Infinity` when unlimited or unknown). */
  readonly hardLimits: Readonly<Record<string, number>>;
}

/** Parse /proc/<pid>/limits into hard limits by ulimit name (nofile, nproc ...). */
export function parseHardLimits(procLimits: string): Record<string, number> {
  const names: Record<string, string> = {
    'Max open files': 'nofile',
    'Max processes': 'nproc',
    'Max core file size': 'core',
    'Max cpu time': 'cpu',
    'Max data size': 'data',
    'Max file size': 'fsize',
    'Max file locks': 'locks',
    'Max locked memory': 'memlock',
    'Max msgqueue size': 'msgqueue',
    'Max nice priority': 'nice',
    'Max resident set': 'rss',
    'Max realtime priority': 'rtprio',
    'Max realtime timeout': 'rttime',
    'Max pending signals': 'sigpending',
    'Max stack size': 'stack',
  };
  const limits: Record<string, number> = {};
  for (const line of procLimits.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (!m || !names[m[1]]) continue;
    limits[names[m[1]]] = m[3] === 'unlimited' ? Infinity : Number(m[3]);
  }
  return limits;
}

/** ID and ID_LIKE of an os-release file's text. Pure. */
export function parseOsRelease(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(ID|ID_LIKE)=("?)([^"]*)\2\s*$/.exec(line.trim());
    if (m) ids.push(...m[3].split(/\s+/).filter(Boolean));
  }
  return ids;
}

export function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const readOr = (file: string, fallback = ''): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};

export function hostFacts(platform: NodeJS.Platform = process.platform): HostFacts {
  const uid = process.getuid?.() ?? -1;
  if (platform !== 'linux') {
    return { platform, distro: [], uid, cgroupV2Unified: false, systemd: false, hasRunc: false, hardLimits: {} };
  }
  return {
    platform,
    distro: parseOsRelease(readOr('/etc/os-release')),
    uid,
    cgroupV2Unified: existsSync('/sys/fs/cgroup/cgroup.controllers'),
    systemd: readOr('/proc/1/comm').trim() === 'systemd' && existsSync('/run/systemd/system'),
    hasRunc: commandExists('runc'),
    hardLimits: parseHardLimits(readOr('/proc/self/limits')),
  };
}
