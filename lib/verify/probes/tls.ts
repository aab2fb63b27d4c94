/**
 * TLS, for an https URL: the protocol versions the listener accepts, its certificate, the plain-HTTP
 * listener's redirect and HSTS. The project's ALB uses ELBSecurityPolicy-TLS13-1-2-2021-06
 * (SslPolicy.RECOMMENDED_TLS: TLS 1.2 and 1.3) and redirects 80 to 443
 * (lib/constructs/public-load-balancer.ts); the proxy sends HSTS for one year on requests the ALB
 * forwarded over HTTPS (containers/proxy/nginx.conf.template).
 */
import type { SecureVersion } from 'node:tls';
import { fails, header, holds, quote, type Probe } from '../probe';
import { shownUrl } from '../target';

const REFUSED_VERSIONS: SecureVersion[] = ['TLSv1', 'TLSv1.1'];
const ACCEPTED_VERSIONS: SecureVersion[] = ['TLSv1.2', 'TLSv1.3'];
/** A certificate closer to its end than this fails: renewal has not happened, and users will see it soon. */
const CERTIFICATE_MIN_DAYS = 14;
/** Six months: Mozilla Observatory's minimum for HSTS (https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring). */
const HSTS_MIN_MAX_AGE = 15_768_000;

export const tlsVersions: Probe = {
  id: 'tls-versions',
  title: 'TLS versions',
  checks: `The HTTPS listener refuses ${REFUSED_VERSIONS.join(' and ')} and accepts ${ACCEPTED_VERSIONS.join(' or ')}.`,
  httpsOnly: true,
  async run(ctx) {
    const accepted: string[] = [];
    const refused: string[] = [];
    for (const v of [...REFUSED_VERSIONS, ...ACCEPTED_VERSIONS]) ((await ctx.client.handshake(v)).accepted ? accepted : refused).push(v);
    const wrong = accepted.filter((v) => REFUSED_VERSIONS.includes(v as SecureVersion));
    const summary = `accepts ${accepted.join(', ') || 'none'}; refuses ${refused.join(', ') || 'none'}`;
    if (wrong.length > 0) return fails(`${summary}: ${wrong.join(' and ')} must be refused`);
    if (!accepted.some((v) => ACCEPTED_VERSIONS.includes(v as SecureVersion))) return fails(`${summary}: neither TLS 1.2 nor 1.3 works`);
    return holds(summary);
  },
};

export const tlsCertificate: Probe = {
  id: 'tls-certificate',
  title: 'TLS certificate',
  checks: `The certificate verifies for the host name against the trusted authorities (Node's, plus NODE_EXTRA_CA_CERTS) and is valid for ${CERTIFICATE_MIN_DAYS} more days.`,
  httpsOnly: true,
  async run(ctx) {
    const c = await ctx.client.certificate();
    // Requests would fail on it anyway, and must not carry the URL's credentials to an unverified host.
    if (!c.authorized) return { ...fails(`the certificate does not verify: ${quote(c.reason)}`), stopsRun: true };
    const days = Math.floor((Date.parse(c.validTo ?? '') - Date.now()) / 86_400_000);
    if (!(days >= CERTIFICATE_MIN_DAYS))
      return fails(`the certificate ends in ${Number.isNaN(days) ? 'an unknown number of' : days} days (${quote(c.validTo)})`);
    return holds(`verifies; valid for ${days} more days`);
  },
};

export const httpsRedirect: Probe = {
  id: 'https-redirect',
  title: 'HTTP redirects to HTTPS',
  checks: 'GET of the same URL over plain HTTP (port 80, or --http-port) answers 301, 302, 307 or 308 with a Location on https:// and the same host.',
  httpsOnly: true,
  async run(ctx) {
    const plain = new URL(ctx.client.target.url.href);
    plain.protocol = 'http:';
    plain.port = ctx.httpPort === 80 ? '' : String(ctx.httpPort);
    const a = await ctx.client.send({ path: plain.pathname + plain.search }, plain);
    const location = header(a.headers, 'location');
    if (![301, 302, 307, 308].includes(a.status)) return fails(`plain HTTP on port ${ctx.httpPort} answered ${a.status}, not a redirect`);
    const to = location !== undefined && URL.canParse(location, plain.href) ? new URL(location, plain) : undefined;
    // The Location may repeat the URL's query (a token): shown as the URL is, values masked.
    const shown = to === undefined ? quote(location) : quote(shownUrl(to));
    if (to?.protocol !== 'https:' || to.hostname !== plain.hostname) return fails(`plain HTTP redirects to ${shown}, not to https://${plain.hostname}`);
    return holds(`${a.status} to https://${to.host}${to.pathname}`);
  },
};

export const hsts: Probe = {
  id: 'hsts',
  title: 'HSTS',
  checks: `The page carries Strict-Transport-Security with max-age of at least ${HSTS_MIN_MAX_AGE} s (six months).`,
  httpsOnly: true,
  async run(ctx) {
    const value = header((await ctx.front()).headers, 'strict-transport-security');
    if (value === undefined) return fails('no Strict-Transport-Security header');
    const maxAge = value
      .split(';')
      .map((d) => d.trim().toLowerCase())
      .find((d) => d.startsWith('max-age='));
    const seconds = Number(maxAge?.slice('max-age='.length).replace(/"/g, ''));
    return seconds >= HSTS_MIN_MAX_AGE ? holds(`max-age=${seconds}`) : fails(`Strict-Transport-Security ${quote(value)}: max-age under ${HSTS_MIN_MAX_AGE}`);
  },
};
