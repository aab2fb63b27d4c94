/** Version banners tell an attacker which published vulnerabilities to try (nginx's server_tokens off). */
import type { Answer } from '../http-client';
import { fails, header, holds, quote, type Probe } from '../probe';

function disclosed(answer: Answer): string[] {
  const server = header(answer.headers, 'server');
  const poweredBy = header(answer.headers, 'x-powered-by');
  return [
    // A version is a digit in the banner: "nginx/1.22.1", "SimpleHTTP/0.6 Python/3.11.2"; "nginx" alone names no version.
    ...(server !== undefined && /\d/.test(server) ? [`Server: ${quote(server)}`] : []),
    ...(poweredBy !== undefined ? [`X-Powered-By: ${quote(poweredBy)}`] : []),
  ];
}

export const serverDisclosure: Probe = {
  id: 'server-disclosure',
  title: 'No version banners',
  checks: 'Neither the page nor an error answer names a software version in Server, and neither carries X-Powered-By.',
  async run(ctx) {
    const found = [...new Set([...disclosed(await ctx.front()), ...disclosed(await ctx.notFound())])];
    return found.length === 0 ? holds('no version in Server, no X-Powered-By') : fails(`the answers carry ${found.join(', ')}`);
  },
};
