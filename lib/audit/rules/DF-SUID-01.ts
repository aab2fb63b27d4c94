import { dockerfileRule } from './_kit';

/** ECS BP "Remove special permissions": find / -perm /6000 -type f -exec chmod a-s {} + */
const FINDS_SPECIAL = /-perm\s+[/+-]?0?[2467]000\b/;
const STRIPS = /chmod\s+(-\S+\s+)*[augo]*-s\b/;

export default dockerfileRule(
  {
    id: 'DF-SUID-01',
    severity: 'low',
    title: 'setuid/setgid not stripped',
    sources: ['CIS Docker 4.8', 'ECS BP "Remove special permissions"'],
    fix: 'Add RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + in the final stage.',
    inputs: ['dockerfile'],
  },
  (df) =>
    df.instructions.some((i) => i.keyword === 'RUN' && FINDS_SPECIAL.test(i.args) && STRIPS.test(i.args))
      ? []
      : [{ message: 'no step strips setuid/setgid bits' }],
);
