/** The setting of a run: the machine, and how the bench starts and supervises the task. */
import { secs, table } from '../format';
import type { Results } from '../results';
import { taskCores, taskVcpu as vcpuOf } from './closed-loop';

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

/**
 * The measurement-only CPU pinning (bench/pinning.ts) as the machine table's row, and what it means
 * below the table; nothing for runs from before the bench pinned.
 */
function pinningMarkdown(r: Results): { row: string[][]; text: string[] } {
  const p = r.pinning;
  if (!p) return { row: [], text: [] };
  if ('off' in p) return { row: [['CPU pinning', `none: ${p.off}`]], text: [] };
  const [cores, vcpu] = [taskCores(r), vcpuOf(r)];
  const readBack = Object.entries(p.readBack)
    .map(([c, x]) => `${c}: cpuset.cpus ${x.cgroupCpus}, main process Cpus_allowed_list ${x.processCpus}`)
    .join('; ');
  return {
    row: [
      [
        'CPU pinning (measurement only)',
        `load generators on CPU ${p.loadCpus}; every task under test on CPU ${p.taskCpus} (a cpuset, read back from every container of ${p.checkedTasks === undefined ? 'each task' : `each of the ${p.checkedTasks} tasks`} at its start; the first task's read ${readBack || 'nothing'}); ` +
          `synth, image builds, start-up and developer loop on CPU ${p.otherCpus}`,
      ],
    ],
    text: [
      `On ECS the load comes from the ALB on other machines; here the load generators would share the task's cores. So while tasks are measured, the bench's own process (paced.ts, the open-loop generator) and the clients it starts (wrk, the FastCGI client), which inherit its CPU affinity, run on CPU ${p.loadCpus} (\`taskset -a -p\`), ` +
        `and every task is created with a cpuset of CPU ${p.taskCpus} through the engine interface (TaskSpec.measurementCpuset: Docker's HostConfig.CpusetCpus and podman's \`create --cpuset-cpus\` on each container; ECS has no cpuset, so \`local up\` and the template never set one). ` +
        (r.engine === 'docker'
          ? "Docker's own processes (the daemon, its port forwarding docker-proxy, the containerd shims) are the daemon's children and run on every CPU. "
          : "podman has no daemon: the podman commands the bench and the TaskRunner run (inspect, health-check runs) and the conmon monitors they start inherit the load CPU; the probe commands themselves run in the task's cpuset. ") +
        `The start-up and developer-loop sections run on CPU ${p.otherCpus}, as a developer runs them.` +
        (cores <= vcpu
          ? ` With task.cpu ${r.template.taskCpu} (${vcpu} vCPU) on ${cores === 1 ? 'one core' : `${cores} cores`}, the cpuset and not the CFS quota bounds the task's CPU: it cannot spend its quota early in a period, ` +
            `so this run does not show the quota stall a task meets on an ECS host with more cores than its vCPUs, and the variants without a task CPU limit are held to the cpuset too.`
          : ''),
      '',
    ],
  };
}

/** Where the load went (bench/load-target.ts); nothing for runs from before (their load went to 127.0.0.1). */
function loadTargetRow(r: Results): string[][] {
  const t = r.loadTarget;
  if (!t) return [];
  const counts = Object.entries(t.tasks)
    .map(([via, n]) => (n === 1 ? `1 task at its ${via}` : `${n} tasks at their ${via}`))
    .join(', ');
  const first =
    t.first.via === 'task address'
      ? `the task's own address on the engine's network and the proxy's container port (the first, ${t.first.task}: ${t.first.host}:${t.first.port}), as an ALB reaches an awsvpc task's ENI, past the engine's port publishing`
      : `the port published on 127.0.0.1 (the first, ${t.first.task}: ${t.first.why})`;
  return [['Load sent to', `${first}; ${counts}`]];
}

export function settingMarkdown(r: Results): string[] {
  const m = r.machine;
  const pinning = pinningMarkdown(r);
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
        ...pinning.row,
        ...loadTargetRow(r),
      ],
    ),
    '',
    ...pinning.text,
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
