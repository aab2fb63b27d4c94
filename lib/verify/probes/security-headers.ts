/**
 * The response headers a browser acts on, on the page and on an error answer: nginx drops an
 * add_header on error answers unless it says `always` (containers/proxy/nginx.conf.template), so a
 * proxy that sets them only on success is caught here.
 */
import type { Answer } from '../http-client';
import { fails, header, holds, NOT_FOUND_PATH, type Probe } from '../probe';

/** Referrer policies that send the full URL to other origins (https://www.w3.org/TR/referrer-policy/). */
const LEAKY_REFERRER_POLICIES = ['unsafe-url', 'no-referrer-when-downgrade'];

/** The names of the protections `answer` lacks. */
function missing(answer: Answer): string[] {
  const h = answer.headers;
  const csp = header(h, 'content-security-policy') ?? '';
  const frameOptions = (header(h, 'x-frame-options') ?? '').trim().toUpperCase();
  const referrer = (header(h, 'referrer-policy') ?? '').trim().toLowerCase();
  const gaps: string[] = [];
  if ((header(h, 'x-content-type-options') ?? '').trim().toLowerCase() !== 'nosniff') gaps.push('X-Content-Type-Options: nosniff');
  if (csp.trim() === '') gaps.push('Content-Security-Policy');
  if (!['DENY', 'SAMEORIGIN'].includes(frameOptions) && !csp.toLowerCase().includes('frame-ancestors')) gaps.push('X-Frame-Options or CSP frame-ancestors');
  if (referrer === '' || LEAKY_REFERRER_POLICIES.includes(referrer)) gaps.push('a Referrer-Policy that keeps URLs to the origin');
  return gaps;
}

export const securityHeaders: Probe = {
  id: 'security-headers',
  title: 'Security headers',
  checks:
    'The page and an error answer both carry X-Content-Type-Options: nosniff, a Content-Security-Policy, X-Frame-Options (or CSP frame-ancestors) and a Referrer-Policy that keeps URLs to the origin.',
  async run(ctx) {
    const page = missing(await ctx.front());
    const error = await ctx.notFound();
    const errorGaps = missing(error);
    const parts = [
      ...(page.length > 0 ? [`the page lacks ${page.join(', ')}`] : []),
      ...(errorGaps.length > 0 ? [`the ${error.status} answer for ${NOT_FOUND_PATH} lacks ${errorGaps.join(', ')}`] : []),
    ];
    return parts.length === 0 ? holds(`on the page and on the ${error.status} answer`) : fails(parts.join('; '));
  },
};
