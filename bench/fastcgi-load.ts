/**
 * The php-fpm floor's load client: closed loop over `--connections` kept-open FastCGI connections to
 * 127.0.0.1:`--port`, or to the unix socket `--socket`, for `--duration` seconds (or open loop at
 * `--rate` requests a second over at most that many), each sending the request nginx sends for `GET /`
 * (the proxy template's fastcgi_params and SCRIPT_FILENAME), and prints one JSON line. The bench
 * runs it inside the pod's network namespace (nsenter --net), because over TCP the pool only accepts
 * 127.0.0.1 (listen.allowed_clients); the socket it reaches by path. Its CPU is charged to the bench,
 * not the task.
 *
 * Command line: bench/fastcgi-load-cli.ts.
 */
import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
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
  /** Requests on a connection refused or closed before its first answer (that client then stops): not served, not counted. */
  readonly errors: number;
  /**
   * Requests sent on a kept-open connection php-fpm closed before answering (its worker reached
   * pm.max_requests right before), sent again on a new connection, as nginx does (see `client`).
   */
  readonly resent: number;
  /** New connections after php-fpm closed one (a worker reaching pm.max_requests). */
  readonly reconnects: number;
  /** Open loop: requests sent more than 5 ms after their slot (every connection was busy, or the timer was late). */
  readonly late: number;
  /** Open loop: the rate the requests were paced at. */
  readonly ratePerS?: number;
  readonly durationS: number;
  readonly rps: number;
}

/** Where php-fpm listens: TCP, or a unix socket's path (as the host sees it). */
export type FastcgiEndpoint = { readonly host: string; readonly port: number } | { readonly path: string };

/**
 * When each connection may send its next request: `take` resolves with the time its request was due
 * (performance.now() milliseconds), or undefined once the run is over. Closed loop: now, until the
 * time is up. Open loop (`ratePerS`): slot i is due at start + i / rate whatever the earlier responses
 * did, and a free connection takes the earliest slot not yet taken and waits for it; a slot that comes
 * due while every connection is busy is sent by the next one to free up, late.
 */
interface Pacer {
  take(): Promise<number | undefined>;
}

function closedLoop(until: number): Pacer {
  return { take: async () => (performance.now() < until ? performance.now() : undefined) };
}

function openLoop(start: number, durationS: number, ratePerS: number): Pacer {
  const total = Math.round(ratePerS * durationS);
  let nextSlot = 0;
  return {
    take: async () => {
      if (nextSlot >= total) return undefined;
      const due = start + (nextSlot++ * 1000) / ratePerS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      return due;
    },
  };
}

/**
 * One client connection: a request, its END_REQUEST, the next request the pacer allows on the same
 * connection. php-fpm closes a connection when its worker exits (pm.max_requests): the client then
 * reconnects (at once, or, when it was waiting for its next slot, when that slot comes). A request in
 * flight on it is sent again on the new connection when the closed one had answered before, as nginx
 * does for a request that fails on a cached keepalive connection (src/http/ngx_http_upstream.c,
 * ngx_http_upstream_next: `if (u->peer.cached && ft_type == NGX_HTTP_UPSTREAM_FT_ERROR)` gives it
 * another try). The race is real: a late slot is sent the moment the last answer arrives, before the
 * close that follows it. A connection refused, or closed before its first answer, means php-fpm is not
 * serving: the request it held counts as an error and this client stops, rather than reconnect in a
 * tight loop until the bench's deadline kills it.
 */
function client(endpoint: FastcgiEndpoint, pacer: Pacer, tally: Tally): Promise<void> {
  return new Promise((resolve) => {
    /** A new connection; `first`, the request it sends at once: a slot that came due while there was none, or one to send again. */
    const open = (first?: { due: number; again: boolean }) => {
      const sock = net.connect({ ...endpoint });
      let buf: Buffer = Buffer.alloc(0);
      let stdout = '';
      let inFlight: number | undefined; // the slot of the request awaiting its answer
      let answered = 0;
      let waiting = false;
      let over = false;
      const send = (due: number, again = false) => {
        // Slots are absolute: one sent more than 5 ms after its time waited for a free connection (or a
        // late timer). A request sent again was counted when it first left.
        if (!again && performance.now() - due > 5) tally.late++;
        stdout = '';
        inFlight = due;
        sock.write(encodeRequest(1, NGINX_PARAMS));
      };
      const next = async () => {
        waiting = true;
        const due = await pacer.take();
        waiting = false;
        if (sock.destroyed) {
          // php-fpm closed the connection while this one waited for its slot.
          if (due === undefined) {
            resolve();
          } else {
            tally.reconnects++;
            open({ due, again: false });
          }
          return;
        }
        if (due === undefined) {
          over = true;
          sock.end();
          return;
        }
        send(due);
      };
      sock.on('connect', () => (first ? send(first.due, first.again) : void next()));
      sock.on('data', (d) => {
        const { records, rest } = parseRecords(Buffer.concat([buf, d]));
        buf = rest;
        for (const r of records) {
          if (r.type === TYPE.STDOUT) stdout += r.content.toString('latin1');
          if (r.type === TYPE.END_REQUEST) {
            inFlight = undefined;
            answered++;
            tally.requests++;
            if (r.content.readUInt32BE(0) === 0 && responseStatus(stdout) === 200) tally.ok++;
            void next();
          }
        }
      });
      sock.on('error', () => undefined);
      sock.on('close', () => {
        if (over) return resolve();
        if (waiting) return; // `next` reconnects when its slot comes
        if (answered === 0) {
          // Refused, or closed before a first answer: php-fpm is not serving. This connection ends
          // rather than reconnect in a tight loop; the request it held is an error.
          if (inFlight !== undefined || first) tally.errors++;
          return resolve();
        }
        tally.reconnects++;
        if (inFlight !== undefined) {
          tally.resent++;
          open({ due: inFlight, again: true });
        } else {
          open();
        }
      });
    };
    open();
  });
}

interface Tally {
  requests: number;
  ok: number;
  errors: number;
  resent: number;
  reconnects: number;
  late: number;
}

/**
 * Closed loop over `connections` (each sends its next request when the last one is answered, for
 * `durationS`), or, with `ratePerS`, open loop at that rate over at most that many connections.
 */
export async function fastcgiLoad(o: { endpoint: FastcgiEndpoint; connections: number; durationS: number; ratePerS?: number }): Promise<FastcgiLoadResult> {
  const tally: Tally = { requests: 0, ok: 0, errors: 0, resent: 0, reconnects: 0, late: 0 };
  const start = performance.now();
  const pacer = o.ratePerS ? openLoop(start, o.durationS, o.ratePerS) : closedLoop(start + o.durationS * 1000);
  await Promise.all(Array.from({ length: o.connections }, () => client(o.endpoint, pacer, tally)));
  const durationS = (performance.now() - start) / 1000;
  return { ...tally, durationS, rps: tally.requests / durationS, ...(o.ratePerS ? { ratePerS: o.ratePerS } : {}) };
}
