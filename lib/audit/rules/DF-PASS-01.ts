import { runCommands } from './_dockerfile-commands';
import { dockerfileRule } from './_kit';

/** A password set at build time is in the image layers for anyone who pulls it. The finding never quotes the command. */
export default dockerfileRule(
  {
    id: 'DF-PASS-01',
    severity: 'medium',
    title: 'Password set with chpasswd',
    sources: ['checkov CKV2_DOCKER_17', 'CIS Docker 4.10'],
    fix: 'Do not give image users passwords; containers need none, and secrets belong in Secrets Manager.',
    inputs: ['dockerfile'],
  },
  (df) =>
    runCommands(df)
      .filter(({ command }) => /(^|\s|\/)chpasswd\b/.test(command))
      .map(({ line }) => ({ message: 'RUN sets a password with chpasswd (value not shown)', line })),
);
