/** The proxy's method allow-list: anything but GET, HEAD and POST is refused before the app sees it. */
import { fails, header, holds, type Probe } from '../probe';

/** Methods a PHP page never needs; the ones WebDAV and cross-site tracing attacks use. */
const REFUSED_METHODS = ['DELETE', 'PUT', 'PATCH', 'OPTIONS', 'TRACE'];

export const methodAllowList: Probe = {
  id: 'method-allow-list',
  title: 'Method allow-list',
  checks: `${REFUSED_METHODS.join(', ')} on the URL (but those given with --allow-method, as in app.methods) get 405 with an Allow header that does not list them.`,
  async run(ctx) {
    const path = ctx.client.target.url.pathname;
    const refused = REFUSED_METHODS.filter((m) => !ctx.allowedMethods.includes(m));
    const wrong: string[] = [];
    for (const method of refused) {
      const a = await ctx.client.send({ method, path });
      const allow = header(a.headers, 'allow');
      const listed = allow?.split(',').some((m) => m.trim().toUpperCase() === method) ?? false;
      if (a.status !== 405 || allow === undefined || listed)
        wrong.push(`${method} -> ${a.status}${allow === undefined ? ' without Allow' : listed ? ` allowing ${method}` : ''}`);
    }
    return wrong.length === 0 ? holds(`${refused.join(', ')} -> 405 with Allow`) : fails(wrong.join(', '));
  },
};
