import { envSettings, runCommands } from './_dockerfile-commands';
import { dockerfileRule } from './_kit';

/** Commands that turn certificate verification off (checkov CKV2_DOCKER_2, 3, 4, 13, 15). */
const COMMANDS: readonly (readonly [RegExp, string])[] = [
  [/\bcurl\b.*\s(--insecure\b|-[A-Za-z]*k[A-Za-z]*\b)/, 'curl without certificate verification (-k/--insecure)'],
  [/\bwget\b.*\s--no-check-certificate\b/, 'wget --no-check-certificate'],
  [/\bpip3?\b.*\s--trusted-host\b/, 'pip --trusted-host'],
  [/\b(npm|yarn)\s+(config\s+)?set\s+["']?strict-ssl["']?(\s*=\s*|\s+)["']?false\b/, 'npm/yarn strict-ssl false'],
  [/\bgit\b.*\bhttp\.sslverify\s*[= ]\s*["']?false\b/i, 'git http.sslVerify false'],
  [/\b(yum|dnf)(-|\s+)config-manager\b.*\bsslverify\s*=\s*(0|false|no)\b/i, 'yum/dnf config-manager sslverify off'],
];
/** Environment settings that do the same for every later command (checkov CKV2_DOCKER_5, 6, 12, 14, 16). */
const SETTINGS: readonly (readonly [string, RegExp])[] = [
  ['NODE_TLS_REJECT_UNAUTHORIZED', /^0$/],
  ['PYTHONHTTPSVERIFY', /^0$/],
  ['NPM_CONFIG_STRICT_SSL', /^false$/i],
  ['GIT_SSL_NO_VERIFY', /.+/],
  ['PIP_TRUSTED_HOST', /.+/],
];

export default dockerfileRule(
  {
    id: 'DF-TLS-01',
    severity: 'high',
    title: 'TLS verification turned off',
    sources: ['checkov CKV2_DOCKER_2–6, CKV2_DOCKER_12–16'],
    fix: 'Keep certificate verification on; add the CA certificate to the image (update-ca-certificates) instead of disabling checks.',
    inputs: ['dockerfile'],
  },
  (df) => [
    ...runCommands(df).flatMap(({ command, line }) => COMMANDS.filter(([re]) => re.test(command)).map(([, what]) => ({ message: `RUN uses ${what}`, line }))),
    // RUN export NAME=... and RUN NAME=... cmd set it for that command; ENV for the rest of the build and the image.
    ...[
      ...envSettings(df),
      ...runCommands(df).flatMap(({ command, line }) =>
        [...command.matchAll(/(?:^|\s)(?:export\s+)?([A-Z_]+)=["']?([^"'\s]*)/g)].map((m) => ({ name: m[1], value: m[2], line })),
      ),
    ]
      .filter(({ name, value }) => SETTINGS.some(([n, re]) => n === name.toUpperCase() && re.test(value)))
      .map(({ name, line }) => ({ message: `${name} turns certificate verification off`, line })),
  ],
);
