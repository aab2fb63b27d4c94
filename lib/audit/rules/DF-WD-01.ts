import { dockerfileRule } from './_kit';

/**
 * A relative WORKDIR depends on every earlier WORKDIR (https://docs.docker.com/build/building/best-practices/#workdir).
 * `$VAR` paths and Windows drive paths (`C:\app`) count as absolute, as in checkov.
 */
export default dockerfileRule(
  {
    id: 'DF-WD-01',
    severity: 'low',
    title: 'Relative WORKDIR',
    sources: ['checkov CKV_DOCKER_10'],
    fix: 'Use an absolute path in WORKDIR (WORKDIR /app).',
    inputs: ['dockerfile'],
  },
  (df) =>
    df.instructions
      .filter((i) => i.keyword === 'WORKDIR' && !/^["']?(\/|\$|[A-Za-z]:[\\/])/.test(i.args.trim()))
      .map((i) => ({ message: `WORKDIR ${i.args.trim()} is relative`, line: i.line })),
);
