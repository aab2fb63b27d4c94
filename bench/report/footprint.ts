/** Section 5: the footprint: image sizes and the idle task's memory. */
import { f, MB, MiB, table } from '../format';
import { IMAGE_SIZE_LIMITS as imageGoals, imageSizeGoals } from '../goals';
import type { Results } from '../results';
import type { Section } from './section';
import { engineName } from './setting';

export function footprintSection(r: Results): Section {
  const out: string[] = [];
  out.push('## 5. Footprint', '');
  out.push(
    table(
      ['image', 'size (uncompressed)', 'goal', 'reference'],
      r.images.map((i) => [
        i.container,
        `${MB(i.bytes)} (${MiB(i.bytes)})`,
        imageGoals[i.container] ? `<= ${MB(imageGoals[i.container])}` : '',
        `\`${i.ref.replace(/:(.{12}).*/, ':$1…')}\``,
      ]),
    ),
    '',
    `Size is ${engineName(r)}'s image size (the layers as stored, uncompressed; MB = 10^6 bytes). Idle memory of the template task, ${r.memory.idleS} s after every container was HEALTHY and before any load, ` +
      "read on the host from each container's memory cgroup (usage includes page cache and the /tmp tmpfs; the working set is usage minus inactive file cache, as `docker stats` shows it):",
    '',
    table(
      ['container', 'usage', 'working set', 'anonymous', 'limit', 'working set / limit'],
      [
        ...r.memory.containers.map((c) => [
          c.container,
          MiB(c.usageBytes),
          MiB(c.workingSetBytes),
          MiB(c.anonBytes),
          c.limitBytes ? MiB(c.limitBytes) : 'none',
          c.limitBytes ? `${f((c.workingSetBytes / c.limitBytes) * 100, 1)}%` : '',
        ]),
        ...(r.memory.pod
          ? [
              [
                'whole task (task cgroup)',
                MiB(r.memory.pod.usageBytes),
                MiB(r.memory.pod.workingSetBytes),
                MiB(r.memory.pod.anonBytes),
                r.memory.pod.limitBytes ? MiB(r.memory.pod.limitBytes) : 'none',
                r.memory.pod.limitBytes ? `${f((r.memory.pod.workingSetBytes / r.memory.pod.limitBytes) * 100, 1)}%` : '',
              ],
            ]
          : []),
      ],
    ),
    '',
  );
  return { markdown: out, goals: imageSizeGoals(r.images), notes: [] };
}
