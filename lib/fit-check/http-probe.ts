/**
 * The fit check's HTTP client: one GET to 127.0.0.1, with a deadline on the whole exchange, that
 * reads at most MAX_BODY bytes of what the image answers and keeps none of it but the count.
 */
import * as http from 'node:http';

const MAX_BODY = 1024 * 1024;

export interface ProbeResult {
  readonly path: string;
  /** The HTTP status, when an answer came. */
  readonly status?: number;
  /** Why no answer came (connection refused, reset, the deadline). */
  readonly error?: string;
  readonly bytes: number;
  readonly ms: number;
}

export function httpGet(port: number, urlPath: string, deadlineMs: number, userAgent = 'secure-ecs-fit-check'): Promise<ProbeResult> {
  const began = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    let bytes = 0;
    let status: number | undefined;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ path: urlPath, status, error, bytes, ms: Date.now() - began });
    };
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'GET', headers: { 'user-agent': userAgent }, agent: false }, (res) => {
      status = res.statusCode;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= MAX_BODY) finish();
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(e.message));
    });
    const timer = setTimeout(() => finish(`no complete answer within ${deadlineMs} ms`), deadlineMs);
    req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    req.end();
  });
}
