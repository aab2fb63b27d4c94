import { dockerfileRule } from './_kit';

/** `scratch`, earlier stages and `$ARG` images are not registry images. */
export default dockerfileRule(
  {
    id: 'DF-TAG-01',
    severity: 'medium',
    title: 'FROM uses latest/untagged',
    sources: ['CIS Docker 4.2, 5.28', 'checkov CKV_DOCKER_7'],
    fix: 'Pin the base image to a version tag, or better a digest (FROM image:tag@sha256:...).',
    inputs: ['dockerfile'],
  },
  (df) => {
    const stages = new Set<string>();
    const found: { message: string; line: number }[] = [];
    for (const i of df.instructions.filter((x) => x.keyword === 'FROM' && x.from)) {
      const { image, tag, digest, stage } = i.from!;
      const lower = image.toLowerCase();
      if (lower !== 'scratch' && !stages.has(lower) && !image.includes('$') && !digest && (tag === undefined || tag === 'latest')) {
        found.push({ message: `FROM ${image}${tag ? `:${tag}` : ''} is ${tag ? 'the mutable latest tag' : 'untagged (latest)'}`, line: i.line });
      }
      if (stage) stages.add(stage.toLowerCase());
    }
    return found;
  },
);
