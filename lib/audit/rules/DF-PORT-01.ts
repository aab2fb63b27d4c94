import { dockerfileRule } from './_kit';

export default dockerfileRule(
  {
    id: 'DF-PORT-01',
    severity: 'medium',
    title: 'EXPOSE 22',
    sources: ['CIS Docker 5.7', 'checkov CKV_DOCKER_1'],
    fix: 'Remove EXPOSE 22 and sshd from the image.',
    inputs: ['dockerfile'],
  },
  (df) =>
    df.instructions
      .filter((i) => i.keyword === 'EXPOSE' && i.args.split(/\s+/).some((p) => /^22(\/(tcp|udp))?$/i.test(p)))
      .map((i) => ({ message: 'EXPOSE 22 (SSH)', line: i.line })),
);
