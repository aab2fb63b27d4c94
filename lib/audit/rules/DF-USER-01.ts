import { dockerfileRule, finalStage, ROOT_NAMES, splitUser } from './_kit';

/** Only the final stage runs; a `USER $VAR` is not assumed to be root. */
export default dockerfileRule(
  {
    id: 'DF-USER-01',
    severity: 'high',
    title: 'Dockerfile has no non-root USER',
    sources: ['CIS Docker 4.1', 'checkov CKV_DOCKER_3, CKV_DOCKER_8'],
    fix: 'End the final stage with USER <uid>:<gid> (numeric, non-zero).',
    inputs: ['dockerfile'],
  },
  (df) => {
    const users = finalStage(df).filter((i) => i.keyword === 'USER');
    const last = users[users.length - 1];
    if (!last) return [{ message: 'no USER instruction in the final stage: the image runs as root' }];
    const { user } = splitUser(last.args.trim());
    return ROOT_NAMES.has(user.toLowerCase()) ? [{ message: `the last USER is ${last.args.trim()} (root)`, line: last.line }] : [];
  },
);
