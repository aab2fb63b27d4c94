/**
 * A local HTTP server that speaks AWS's REST-JSON protocol as the SDK sends it for GuardDuty: the
 * operation is the method and path (GET /detector, GET /detector/{id}, POST /detector/{id}/coverage),
 * bodies are JSON with the service's jsonName keys (camelCase), errors are an HTTP status with the
 * `x-amzn-errortype` header and a JSON `message` (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).
 * Unsigned requests are refused, as the real service would.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './ecs-server';

export interface RestCall {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, any>;
}

export type RestReply = { readonly body: unknown } | { readonly error: string; readonly message: string; readonly status: number } | { readonly hang: true };
export type RestHandler = (call: RestCall, calls: readonly RestCall[]) => RestReply;

export interface FakeRestService {
  readonly url: string;
  readonly calls: RestCall[];
  close(): Promise<void>;
}

export async function startFakeRestJson(handler: RestHandler): Promise<FakeRestService> {
  const calls: RestCall[] = [];
  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
      res.end(JSON.stringify({ message: 'unsigned request' }));
      return;
    }
    const call = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://localhost').pathname, body: raw ? JSON.parse(raw) : {} };
    calls.push(call);
    const reply = handler(call, calls);
    if ('hang' in reply) return; // never answers: the client's deadline must end the call
    if ('error' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', 'x-amzn-errortype': reply.error });
      res.end(JSON.stringify({ message: reply.message }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
