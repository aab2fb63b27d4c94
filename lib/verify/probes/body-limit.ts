/**
 * A request body larger than the proxy accepts is refused from its Content-Length, before it is
 * uploaded: the probe declares more than the largest `proxy.clientMaxBodySizeKiB` allowed (1 GiB)
 * and sends only 64 KiB of it, so it costs the target almost nothing.
 */
import { fails, holds, type Probe } from '../probe';

const DECLARED_BYTES = 1024 * 1024 * 1024 + 1;
const SENT_BYTES = 64 * 1024;

export const bodyLimit: Probe = {
  id: 'body-limit',
  title: 'Request body limit',
  checks: 'A POST that declares a body over 1 GiB (and sends 64 KiB of it) gets 413 at once.',
  async run(ctx) {
    const a = await ctx.client.send({
      method: 'POST',
      path: ctx.client.target.url.pathname,
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(SENT_BYTES, 'a'),
      declaredLength: DECLARED_BYTES,
    });
    return a.status === 413 ? holds(`413 in ${a.ms} ms`) : fails(`answered ${a.status} to a declared ${DECLARED_BYTES}-byte body`);
  },
};
