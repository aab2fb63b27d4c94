import { dockerfileRule } from './_kit';

export default dockerfileRule(
  {
    id: 'DF-HC-01',
    severity: 'low',
    title: 'Dockerfile lacks HEALTHCHECK',
    sources: ['CIS Docker 4.6', 'checkov CKV_DOCKER_2'],
    fix: 'Add HEALTHCHECK CMD [...] (exec form), or set healthCheck in the task definition.',
    inputs: ['dockerfile'],
  },
  (df) => (df.instructions.some((i) => i.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(i.args.trim())) ? [] : [{ message: 'no HEALTHCHECK instruction' }]),
);
