import { dockerfileRule } from './_kit';

/** MAINTAINER is deprecated (https://docs.docker.com/reference/dockerfile/#maintainer-deprecated). */
export default dockerfileRule(
  {
    id: 'DF-MAINT-01',
    severity: 'info',
    title: 'Deprecated MAINTAINER',
    sources: ['checkov CKV_DOCKER_6'],
    fix: 'Replace MAINTAINER with LABEL org.opencontainers.image.authors="...".',
    inputs: ['dockerfile'],
  },
  (df) => df.instructions.filter((i) => i.keyword === 'MAINTAINER').map((i) => ({ message: 'MAINTAINER is deprecated', line: i.line })),
);
