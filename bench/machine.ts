/** The machine a run was measured on, for the report. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly kernel: string;
  readonly cgroups: string;
  readonly podman: string;
  /** `docker version`'s server version, when the run measured Docker. */
  readonly docker?: string;
  readonly runtime: string;
  readonly node: string;
  readonly wrk: string;
  readonly hyperfine: string;
  readonly virtualization: string;
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: process.env });
  return (
    `${r.stdout ?? ''}${r.stderr ?? ''}`
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? 'not installed'
  );
}

export function describeMachine(podmanEnv: NodeJS.ProcessEnv): Machine {
  let osName = os.type();
  try {
    osName = /^PRETTY_NAME="?(.*?)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osName;
  } catch {
    // not Linux
  }
  const podman = spawnSync('podman', ['info', '--format', '{{.Version.Version}} {{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}}'], {
    encoding: 'utf8',
    env: podmanEnv,
  });
  const [podmanVersion = '?', runtime = '?', manager = '?'] = (podman.stdout ?? '').trim().split(' ');
  const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const hybrid = !cgroupV2 && existsSync('/sys/fs/cgroup/unified');
  const virt = spawnSync('systemd-detect-virt', [], { encoding: 'utf8' });
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: osName,
    kernel: os.release(),
    cgroups: cgroupV2 ? 'v2 (unified)' : hybrid ? 'v1 (hybrid)' : 'v1',
    podman: podmanVersion,
    runtime: `${runtime} (${firstLine(runtime, ['--version'])}), cgroup manager ${manager}`,
    node: process.version,
    wrk: firstLine('wrk', ['-v']).replace(/\s+Copyright.*$/, ''),
    hyperfine: firstLine('hyperfine', ['--version']),
    virtualization: virt.status === 0 || virt.stdout ? (virt.stdout ?? '').trim() || 'none' : 'unknown',
  };
}
