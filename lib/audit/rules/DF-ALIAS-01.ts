import { dockerfileRule } from './_kit';

/** Two stages with one name make `COPY --from=name` and `--target name` ambiguous. Names compare case-insensitively, as Docker's. */
export default dockerfileRule(
  {
    id: 'DF-ALIAS-01',
    severity: 'low',
    title: 'Duplicate build stage name',
    sources: ['checkov CKV_DOCKER_11'],
    fix: 'Give each FROM ... AS <name> a unique name.',
    inputs: ['dockerfile'],
  },
  (df) => {
    const seen = new Set<string>();
    return df.instructions.flatMap((i) => {
      const stage = i.from?.stage?.toLowerCase();
      if (!stage) return [];
      if (seen.has(stage)) return [{ message: `build stage name ${i.from!.stage} is used twice`, line: i.line }];
      seen.add(stage);
      return [];
    });
  },
);
