/**
 * The one way `verify` talks to the target: HTTP(S) requests and raw connections, each with a
 * deadline, each counted against the run's budget, each reading at most MAX_BODY bytes of the
 * answer. What the server answers is untrusted data: kept as strings for the verdicts, escaped by
 * the renderers.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { type Budget, REQUEST_DEADLINE_MS } from './budget';
import type { VerifyTarget } from './target';

/** Bytes of an answer's body kept for the verdicts (leak markers are near the start of a file). */
const MAX_BODY = 16 * 1024;
/** Connections a run keeps open at once (the rate-limit flood's concurrency). */
export const MAX_SOCKETS = 4;

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The first MAX_BODY bytes of the body, as Latin-1 (byte for byte). */
  readonly body: string;
  readonly ms: number;
}

export interface Request {
  readonly method?: string;
  /** The request target, sent as given (never normalised): `/`, `/..%2f..%2fetc/passwd`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** Sent after the headers; with `declaredLength` only this much of the declared body is sent. */
  readonly body?: Buffer;
  /** A Content-Length larger than the body sent: the server must answer before the rest comes. */
  readonly declaredLength?: number;
  /** A forged client address, put first in X-Forwarded-For (before the one --forwarded-for appends). */
  readonly forwardedFor?: string;
}

export interface ClientOptions {
  readonly target: VerifyTarget;
  readonly budget: Budget;
  /** Append this address to X-Forwarded-For, as the load balancer in front of the target would. */
  readonly forwardedFor?: string;
  /** Certificate authorities to trust instead of Node's (tests); the CLI uses NODE_EXTRA_CA_CERTS. */
  readonly ca?: string | Buffer;
  readonly requestDeadlineMs?: number;
}

/** The address in a URL as sockets take it: an IPv6 address without its brackets. */
const hostOf = (url: URL): string => (url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname);
/** SNI carries host names only (RFC 6066 section 3). */
const serverName = (host: string): string | undefined => (net.isIP(host) ? undefined : host);
const portOf = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

export class HttpClient {
  readonly deadlineMs: number;
  private readonly agent: http.Agent;
  private sent = 0;

  /** `agent`: the connection pool of the client this one counts for separately ({@link counting}). */
  constructor(
    private readonly options: ClientOptions,
    agent?: http.Agent,
  ) {
    this.deadlineMs = options.requestDeadlineMs ?? REQUEST_DEADLINE_MS;
    const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS, ...(options.ca ? { ca: options.ca } : {}) };
    this.agent = agent ?? (options.target.https ? new https.Agent(agentOptions) : new http.Agent(agentOptions));
  }

  /** The same client (connections, budget) with its own request count: one per probe. */
  counting(): HttpClient {
    return new HttpClient(this.options, this.agent);
  }

  /** Requests, connections and handshakes this client has sent. */
  get requests(): number {
    return this.sent;
  }

  private take(): void {
    this.options.budget.take();
    this.sent++;
  }

  get target(): VerifyTarget {
    return this.options.target;
  }

  /** X-Forwarded-For for a request: what the probe forges, then the address the load balancer appends. */
  private forwarded(forged?: string): string | undefined {
    const parts = [forged, this.options.forwardedFor].filter((p): p is string => p !== undefined);
    return parts.length > 0 ? parts.join(', ') : undefined;
  }

  /** One request to the target's origin (or `url`'s, for the plain-HTTP redirect check). */
  send(req: Request, url: URL = this.options.target.url): Promise<Answer> {
    this.take();
    const began = Date.now();
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': 'secure-ecs-verify', ...(req.headers ?? {}) };
    const xff = this.forwarded(req.forwardedFor);
    if (xff !== undefined) headers['x-forwarded-for'] = xff;
    const length = req.declaredLength ?? req.body?.length;
    if (length !== undefined) headers['content-length'] = String(length);
    const auth = url.username === '' ? undefined : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    // A request that leaves its body unfinished cannot leave a reusable connection behind.
    const agent = req.declaredLength !== undefined || url.protocol !== this.options.target.url.protocol ? false : this.agent;
    const options: https.RequestOptions = {
      host: hostOf(url),
      port: portOf(url),
      servername: serverName(hostOf(url)),
      path: req.path,
      method: req.method ?? 'GET',
      headers,
      auth,
      agent,
      ...(secure && this.options.ca && agent === false ? { ca: this.options.ca } : {}),
    };
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, answer?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          request.destroy();
          reject(error);
        } else resolve(answer!);
      };
      const request = (secure ? https : http).request(options, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () => {
          finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1'), ms: Date.now() - began });
          // An unfinished body (the declared-length probe) or a long answer: the connection goes.
          if (req.declaredLength !== undefined || kept >= MAX_BODY) request.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (kept < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - kept));
          kept += chunk.length;
          if (kept >= MAX_BODY) done();
        });
        res.on('end', done);
        res.on('error', (e) => finish(e));
        // The server may answer (413) before it has read what was sent: the answer is what counts.
        if (req.declaredLength !== undefined) res.on('close', done);
      });
      const timer = setTimeout(() => finish(new Error(`no complete answer within ${this.deadlineMs / 1000} s`)), this.deadlineMs);
      request.on('error', (e: NodeJS.ErrnoException) => finish(new Error(e.code ?? e.message)));
      if (req.body) request.write(req.body, () => undefined);
      if (req.declaredLength === undefined) request.end();
    });
  }

  /**
   * A raw connection to the target (TLS for https) that sends `text` and then nothing: resolves with
   * when the server closed it and what it said, or `closed: false` after `waitMs`. Counts as a request.
   */
  holdOpen(text: string, waitMs: number): Promise<{ closed: boolean; ms: number; said: string }> {
    this.take();
    const { url } = this.options.target;
    const began = Date.now();
    const host = hostOf(url);
    const port = portOf(url);
    return new Promise((resolve, reject) => {
      let said = '';
      let connected = false;
      const send = () => {
        connected = true;
        socket.write(text);
      };
      const socket = this.options.target.https
        ? tls.connect({ host, port, servername: serverName(host), ...(this.options.ca ? { ca: this.options.ca } : {}) }, send)
        : net.connect({ host, port }, send);
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ closed: false, ms: Date.now() - began, said });
      }, waitMs);
      socket.on('data', (d: Buffer) => {
        if (said.length < 1024) said += d.toString('latin1').slice(0, 1024 - said.length);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ closed: true, ms: Date.now() - began, said });
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        // A reset once connected is the server ending the request ('close' follows); before, the probe could not run.
        if (connected) return;
        clearTimeout(timer);
        reject(new Error(e.code ?? e.message));
      });
    });
  }

  /**
   * One TLS handshake with the target offering exactly `version`, with a deadline; counts as a
   * request. Old versions need OpenSSL's security level 0 to be offered at all (OpenSSL 3 refuses
   * TLS 1.0/1.1 at its default level 1). The certificate is judged by {@link certificate}, not here.
   */
  handshake(version: tls.SecureVersion): Promise<{ accepted: boolean; reason?: string }> {
    return this.tlsConnect({ minVersion: version, maxVersion: version, rejectUnauthorized: false, ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => ({
      accepted: s.getProtocol() === version,
    })).catch((e: Error) => ({ accepted: false, reason: e.message }));
  }

  /** The certificate the target presents, verified for its host name against the trusted authorities. */
  certificate(): Promise<{ authorized: boolean; reason?: string; validTo?: string }> {
    return this.tlsConnect({ rejectUnauthorized: false, ...(this.options.ca ? { ca: this.options.ca } : {}) }, (s) => ({
      authorized: s.authorized,
      reason: s.authorizationError === undefined ? undefined : String(s.authorizationError),
      validTo: s.getPeerCertificate().valid_to,
    }));
  }

  private tlsConnect<T>(options: tls.ConnectionOptions, read: (socket: tls.TLSSocket) => T): Promise<T> {
    this.take();
    const { url } = this.options.target;
    const host = hostOf(url);
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host, port: portOf(url), servername: serverName(host), ...options }, () => {
        clearTimeout(timer);
        const value = read(socket);
        socket.destroy();
        resolve(value);
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no handshake within ${this.deadlineMs / 1000} s`));
      }, this.deadlineMs);
      socket.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(e.code ?? e.message));
      });
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
