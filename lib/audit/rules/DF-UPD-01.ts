import { dockerfileRule } from './_kit';

/** `update` alone caches a stale index in its own layer (https://docs.docker.com/build/building/best-practices/#apt-get). */
const RULES: [RegExp, RegExp][] = [
  [/\bapt(-get)?\s+(-\S+\s+)*update\b/, /\bapt(-get)?\s+(-\S+\s+)*(install|upgrade|dist-upgrade)\b/],
  [/\bapk\s+(-\S+\s+)*update\b/, /\bapk\s+(-\S+\s+)*(add|upgrade)\b/],
];

export default dockerfileRule(
  {
    id: 'DF-UPD-01',
    severity: 'low',
    title: 'Update instruction alone',
    sources: ['CIS Docker 4.7', 'checkov CKV_DOCKER_5'],
    fix: 'Run the package index update and the install in the same RUN (apt-get update && apt-get install -y ...).',
    inputs: ['dockerfile'],
  },
  (df) =>
    df.instructions
      .filter((i) => i.keyword === 'RUN' && RULES.some(([update, install]) => update.test(i.args) && !install.test(i.args)))
      .map((i) => ({ message: 'RUN updates the package index without installing in the same layer', line: i.line })),
);
