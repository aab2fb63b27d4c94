import { runCommands } from './_dockerfile-commands';
import { dockerfileRule } from './_kit';

/** sudo in a build keeps a setuid escalation path in the image (CIS Docker 4.1 rationale); use USER instead. */
export default dockerfileRule(
  {
    id: 'DF-SUDO-01',
    severity: 'medium',
    title: 'sudo used in RUN',
    sources: ['checkov CKV2_DOCKER_1'],
    fix: 'Run the step as root with USER root before it and USER <uid> after it, and do not install sudo.',
    inputs: ['dockerfile'],
  },
  (df) =>
    runCommands(df)
      .filter(({ command }) => /(^|\s)sudo(\s|$)/.test(command))
      .map(({ line }) => ({ message: 'RUN uses sudo', line })),
);
