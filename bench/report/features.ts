/** Section 2: the cost of the proxy features, the nginx template with and without them. */
import { f, median } from '../format';
import { featuresGoal } from '../goals';
import type { Results } from '../results';
import { perRound, runsTable, stats, summaryTable, taskVcpu } from './closed-loop';
import type { Section } from './section';

export function featuresSection(r: Results): Section {
  const ON = stats(r.features.runs.filter((x) => x.variant === 'features-on'));
  const OFF = stats(r.features.runs.filter((x) => x.variant === 'features-off'));
  const feat = ON.rps / OFF.rps;
  const pairs = perRound(r.features.runs, 'features-on', 'features-off');
  const out: string[] = [];
  out.push('## 2. Cost of the proxy features', '');
  out.push(
    "The hardened template task (with the same raised rate as above), the same proxy image and task; only the nginx template differs. Both variants bind-mount a template read-only over the image's " +
      '(a read-only bind mount at `/etc/nginx/templates/nginx.conf.template`), so their container specs differ in nothing else: **on** mounts the template exactly as built into the image, ' +
      "**off** mounts it with these lines removed (a bench-only transform, bench/proxy-template.ts; the image's own renderer still renders it at start, so the rest of the config is identical):",
    '',
  );
  for (const x of r.features.removed) out.push(`- ${x.feature}: ${x.lines.map((l) => `\`${l}\``).join(', ')}`);
  out.push(
    '',
    `The load carries X-Forwarded-For ${r.config.loadClient} in both, so with the features on the real-IP module rewrites the client address on every request and the limiter and connection zones are consulted.`,
    '',
    summaryTable([
      ['features on', ON],
      ['features off', OFF],
    ]),
    '',
    `On / off: ${f(feat)} (median req/s); per round ${pairs.map((x) => f(x)).join(', ')} (median ${f(median(pairs))}).`,
    '',
    runsTable(r.features.runs, { 'features-on': 'features on', 'features-off': 'features off' }),
    '',
  );
  return { markdown: out, goals: [featuresGoal(ON, OFF, pairs, { vcpu: taskVcpu(r), proxy: r.features.proxy })], notes: [] };
}
