/**
 * The php-fpm floor's load client: closed loop over `--connections` kept-open FastCGI connections to
 * 127.0.0.1:`--port`, or to the unix socket `--socket`, for `--duration` seconds, each sending the request nginx sends for `GET /`
 * (the proxy template's fastcgi_params and SCRIPT_FILENAME), and prints one JSON line. The bench
 * runs it inside the pod's network namespace (nsenter --net), because over TCP the pool only accepts
 * 127.0.0.1 (listen.allowed_clients); the socket it reaches by path. Its CPU is charged to the bench,
 * not the task.
 *
 * Command line: bench/fastcgi-load-cli.ts.
 */
import * as net from 'node:net';
import { TYPE, encodeRequest, parseRecords, responseStatus } from './fastcgi';

/** What nginx sends for `GET /` through containers/proxy/nginx.conf.template (fastcgi_params plus the template's params). */
const NGINX_PARAMS: Record<string, string> = {
  QUERY_STRING: '',
  REQUEST_METHOD: 'GET',
  CONTENT_TYPE: '',
  CONTENT_LENGTH: '',
  SCRIPT_NAME: '/index.php',
  REQUEST_URI: '/',
  DOCUMENT_URI: '/',
  DOCUMENT_ROOT: '/srv/app/public',
  SERVER_PROTOCOL: 'HTTP/1.1',
  REQUEST_SCHEME: 'http',
  GATEWAY_INTERFACE: 'CGI/1.1',
  SERVER_SOFTWARE: 'nginx',
  REMOTE_ADDR: '198.18.100.1',
  REMOTE_PORT: '40000',
  SERVER_ADDR: '127.0.0.1',
  SERVER_PORT: '8080',
  SERVER_NAME: '_',
  REDIRECT_STATUS: '200',
  SCRIPT_FILENAME: '/srv/app/public/index.php',
  HTTP_PROXY: '',
  HTTP_HOST: '127.0.0.1',
  HTTP_X_FORWARDED_FOR: '198.18.100.1',
};

export interface FastcgiLoadResult {
  readonly requests: number;
  readonly ok: number;
  /** Requests sent on a connection php-fpm then closed (its worker reached pm.max_requests right before): not served, not counted. */
  readonly errors: number;
  /** New connections after php-fpm closed one (a worker reaching pm.max_requests). */
  readonly reconnects: number;
  readonly durationS: number;
  readonly rps: number;
}

/** Where php-fpm listens: TCP, or a unix socket's path (as the host sees it). */
export type FastcgiEndpoint = { readonly host: string; readonly port: number } | { readonly path: string };

/**
 * One closed-loop client: a request, its END_REQUEST, the next request on the same connection. php-fpm
 * closes a connection when its worker exits (pm.max_requests): the client then reconnects, and a
 * request that was in flight on it counts as an error.
 */

function client(endpoint: FastcgiEndpoint, until: number, tally: { requests: number; ok: number; errors: number; reconnects: number }): Promise<void> {
  return new Promise((resolve) => {
    const open = () => {
      const sock = net.connect({ ...endpoint });
      let buf: Buffer = Buffer.alloc(0);
      let stdout = '';
      let inFlight = false;
      const send = () => {
        if (performance.now() >= until) {
          sock.end();
          return;
        }
        stdout = '';
        inFlight = true;
        sock.write(encodeRequest(1, NGINX_PARAMS));
      };
      sock.on('connect', send);
      sock.on('data', (d) => {
        const { records, rest } = parseRecords(Buffer.concat([buf, d]));
        buf = rest;
        for (const r of records) {
          if (r.type === TYPE.STDOUT) stdout += r.content.toString('latin1');
          if (r.type === TYPE.END_REQUEST) {
            inFlight = false;
            tally.requests++;
            if (r.content.readUInt32BE(0) === 0 && responseStatus(stdout) === 200) tally.ok++;
            send();
          }
        }
      });
      sock.on('error', () => undefined);
      sock.on('close', () => {
        if (inFlight) tally.errors++;
        if (performance.now() >= until) {
          resolve();
        } else {
          tally.reconnects++;
          open();
        }
      });
    };
    open();
  });
}

export async function fastcgiLoad(o: { endpoint: FastcgiEndpoint; connections: number; durationS: number }): Promise<FastcgiLoadResult> {
  const tally = { requests: 0, ok: 0, errors: 0, reconnects: 0 };
  const start = performance.now();
  await Promise.all(Array.from({ length: o.connections }, () => client(o.endpoint, start + o.durationS * 1000, tally)));
  const durationS = (performance.now() - start) / 1000;
  return { ...tally, durationS, rps: tally.requests / durationS };
}
