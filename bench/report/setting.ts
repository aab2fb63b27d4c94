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

/** The template's limits as this run read them from the synthesized task. */
function templateLimits(r: Results): string {
  return (
    `Cpu ${r.template.taskCpu} (${vcpuOf(r)} vCPU, a CFS quota on the task cgroup), Memory ${r.template.taskMemory} MiB; ` +
    r.template.containers.map((c) => `${c.name}: user ${c.user}, ${c.memoryMiB} MiB, ${c.cpu} CPU shares`).join('; ')
  );
}

/** How the tasks were created and supervised: through the runner's engine interface (runs with `engine`), or the podman-only bench before it. */
function howTasksRun(r: Results): string {
  const engine = engineName(r);
  if (r.engine === undefined)
    return (
      "with the local runner's modules (lib/local/): the cloud assembly reader, the translator from the task definition to `podman pod create` / `podman create` arguments, " +
      'the image builder (the images are the CDK assets, tagged with their asset hash) and the TaskRunner, which starts the containers in dependency order, waits until each is HEALTHY ' +
      "and then supervises them exactly as `secure-ecs local up` does (one `podman inspect` a second, the health checks on the definition's Interval; during the start period every second, so pods start fast) in every variant. " +
      'Each task is a podman pod'
    );
  return (
    `through \`secure-ecs local up\`'s own sequence on ${engine} (\`npm run bench -- --engine ${r.engine}\`): prepare once (lib/local/prepare.ts: the engine, the assembly, the images, built from the CDK assets and tagged with their asset hash), ` +
    "then per variant translate the task definition for a task name and port, apply the variant's typed change of the task spec (bench/variants.ts), " +
    `create the task with createLocalTask (the engine interface's createTask: the task cgroup's CPU quota, memory and pids.max, the health checks) and start it with the TaskRunner, ` +
    `which starts the containers in dependency order, waits for each dependency's condition and then supervises them exactly as \`secure-ecs local up\` does on ${engine}, health checks included, in every variant. ` +
    'Each task is one network namespace shared by its containers'
  );
}

export function settingMarkdown(r: Results): string[] {
  const m = r.machine;
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
    `The bench synthesizes the app once with the project's own command (\`${r.synth.command.replace(/-o \S+/, '-o <work>/cdk.out')}\`, ${secs(r.synth.ms)}) and starts every task from that assembly ` +
      `${howTasksRun(r)}. The task runs under the template's limits, as read from the synthesized task definition: ${templateLimits(r)}. ` +
      'Tasks are named `bench-<variant>-<pid>`, labelled `secure-ecs.bench` and publish only on 127.0.0.1. ' +
      'Each variant gets a fresh task per round: start, warm-up, measurement, stop.',
    '',
  );
  return out;
}
