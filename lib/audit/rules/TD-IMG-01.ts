import { containerRule, known } from './_kit';

/** Tag and digest of an image reference; a `:` before the last `/` is a registry port, not a tag. */
function parseImage(image: string): { tag?: string; digest?: string } {
  const [name, digest] = image.split('@', 2);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return { tag: colon > lastSlash ? name.slice(colon + 1) : undefined, digest };
}

/** CDK asset images are `Fn::Sub`/`Fn::Join` URIs tagged with the asset hash: unknown, so they pass (catalog Y*). */
export default containerRule(
  {
    id: 'TD-IMG-01',
    severity: 'medium',
    title: 'Mutable `latest`/untagged image',
    sources: ['CIS Docker 5.28, 4.2', 'checkov CKV_DOCKER_7 (FROM)'],
    fix: 'Reference the image by an immutable tag (ECR tag immutability) or by digest (@sha256:...).',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const image = known(c.image);
    if (image === undefined) return undefined;
    const { tag, digest } = parseImage(image);
    if (digest) return undefined;
    if (tag === undefined) return `image ${image} has no tag (Docker pulls :latest)`;
    return tag === 'latest' ? `image ${image} uses the mutable latest tag` : undefined;
  },
);
