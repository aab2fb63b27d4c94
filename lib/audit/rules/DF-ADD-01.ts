import { dockerfileRule } from './_kit';

export default dockerfileRule(
  {
    id: 'DF-ADD-01',
    severity: 'low',
    title: 'ADD used instead of COPY',
    sources: ['CIS Docker 4.9', 'checkov CKV_DOCKER_4'],
    fix: 'Use COPY; ADD also fetches URLs and unpacks archives, which hides what enters the image.',
    inputs: ['dockerfile'],
  },
  (df) => df.instructions.filter((i) => i.keyword === 'ADD').map((i) => ({ message: `ADD ${i.args}`, line: i.line })),
);
