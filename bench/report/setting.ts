/** The setting of a run: the machine, and how the bench starts and supervises the task. */
import { secs, table } from '../format';
import type { Results } from '../results';
import { taskVcpu as vcpuOf } from './closed-loop';

/** The engine the tasks ran on; a run from before the bench measured Docker ran on podman. */
export const engineName = (r: Results): string => (r.engine === 'docker' ? 'Docker' : 'podman');

function engineLine(r: Results): string {
  const m = r.machine;
  if (r.engine !== 'docker') return `podman ${m.podman}, runtime ${m.runtime}`;
  return `Docker${m.docker ? ` ${m.docker}` : ''} (podman ${m.podman} is installed too)`;
}

export function settingMarkdown(r: Results): string[] {
  const m = r.machine;
  const taskVcpu = vcpuOf(r);
  const out: string[] = [];
  out.push(
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${m.cpus} x ${m.cpuModel} (systemd-detect-virt: ${m.virtualization})`],
        ['Memory', `${m.memoryGiB.toFixed(1)} GiB`],
        ['OS, kernel', `${m.os}, Linux ${m.kernel}, cgroups ${m.cgroups}`],
        ['Engine', engineLine(r)],
        ['Tools', `Node.js ${m.node}, ${m.wrk}, ${m.hyperfine}`],
      ],
    ),
    '',
    'Other work may have run on the machine at the same time; the alternation spreads such noise over all variants.',
    '',
  );

  out.push(
    '## How the task runs',
    '',
    `The bench synthesizes the app once with the project's own command (\`${r.synth.command.replace(/-o \S+/, '-o <work>/cdk.out')}\`, ${secs(r.synth.ms)}) and builds every pod from that assembly ` +
      "with the local runner's modules (lib/local/): the cloud assembly reader, the translator from the task definition to `podman pod create` / `podman create` arguments, " +
      'the image builder (the images are the CDK assets, tagged with their asset hash) and the TaskRunner, which starts the containers in dependency order, waits until each is HEALTHY ' +
      "and then supervises them exactly as `secure-ecs local up` does (one `podman inspect` a second, the health checks on the definition's Interval; during the start period every second, so pods start fast) in every variant. " +
      `The task runs under the template's limits: Cpu ${r.template.taskCpu} (${taskVcpu} vCPU, a CFS quota on the pod), Memory ${r.template.taskMemory} MiB; ` +
      r.template.containers.map((c) => `${c.name}: user ${c.user}, ${c.memoryMiB} MiB, ${c.cpu} CPU shares`).join('; ') +
      '. Pods are named `bench-<variant>-<pid>`, labelled `secure-ecs.bench` and publish only on 127.0.0.1 (ports 18000-18999). ' +
      'Each variant gets a fresh pod per round: start, warm-up, measurement, stop.',
    '',
  );
  return out;
}
