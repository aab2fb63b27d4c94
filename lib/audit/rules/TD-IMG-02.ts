import { containerRule, known } from './_kit';

/** Unknown (intrinsic) image URIs are skipped, as the catalog allows for CDK asset images. */
export default containerRule(
  {
    id: 'TD-IMG-02',
    severity: 'low',
    title: 'Image not digest-pinned',
    sources: ['CIS Docker 5.28'],
    fix: 'Pin the image by digest (image@sha256:...), so a re-pushed tag cannot change what runs.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const image = known(c.image);
    return image !== undefined && !image.includes('@sha256:') ? `image ${image} is not pinned by digest` : undefined;
  },
);
