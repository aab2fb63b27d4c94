import { runCommands } from './_dockerfile-commands';
import { dockerfileRule } from './_kit';

/** Package installs that skip signature checks (checkov CKV2_DOCKER_7–11). */
const UNSIGNED: readonly (readonly [RegExp, string])[] = [
  [/\bapt(-get)?\b.*\s--allow-unauthenticated\b/, 'apt-get --allow-unauthenticated'],
  [/\bapt(-get)?\b.*\s--force-yes\b/, 'apt-get --force-yes'],
  [/\bapk\b.*\s--allow-untrusted\b/, 'apk --allow-untrusted'],
  [/\b(yum|dnf|tdnf|microdnf)\b.*\s--nogpgcheck\b/, '--nogpgcheck'],
  [/\brpm\b.*\s--nosignature\b/, 'rpm --nosignature'],
];

export default dockerfileRule(
  {
    id: 'DF-PKG-01',
    severity: 'high',
    title: 'Packages installed unauthenticated',
    sources: ['checkov CKV2_DOCKER_7, 8, 9, 10, 11'],
    fix: "Remove the flag and import the repository's signing key, so only signed packages are installed.",
    inputs: ['dockerfile'],
  },
  (df) =>
    runCommands(df).flatMap(({ command, line }) =>
      UNSIGNED.filter(([re]) => re.test(command)).map(([, what]) => ({ message: `RUN uses ${what}: package signatures are not checked`, line })),
    ),
);
