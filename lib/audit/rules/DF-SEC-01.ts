import { AWS_CREDENTIAL_VARIABLES } from './TD-SEC-01';
import { SECRET_LIKE_NAME } from './TD-SEC-02';
import { dockerfileRule } from './_kit';

/** ENV and ARG values end up in the image config and history; only the name (and the kind of secret a value looks like) is reported. */
export default dockerfileRule(
  {
    id: 'DF-SEC-01',
    severity: 'high',
    title: 'Secrets in Dockerfile',
    sources: ['CIS Docker 4.10'],
    fix: "Pass secrets at build time with RUN --mount=type=secret, and at run time with the task definition's `secrets`.",
    inputs: ['dockerfile'],
  },
  (df) =>
    df.instructions.flatMap((i) =>
      (i.variables ?? [])
        .filter((v) => v.secretShape || (v.hasLiteral && (SECRET_LIKE_NAME.test(v.name) || AWS_CREDENTIAL_VARIABLES.has(v.name.toUpperCase()))))
        .map((v) => ({
          message: v.secretShape
            ? `${i.keyword} ${v.name} is set to a value shaped like ${v.secretShape} (value not shown)`
            : `${i.keyword} ${v.name} sets a secret-like variable to a literal (value not shown)`,
          line: i.line,
        })),
    ),
);
