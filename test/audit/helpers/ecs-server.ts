/**
 * A local HTTP server that speaks the ECS API's JSON 1.1 protocol as the SDK sends it: POST /,
 * `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`, `Content-Type:
 * application/x-amz-json-1.1`, errors as HTTP 400 with `__type` (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html).
 * The real ECSClient is pointed at it with `endpoint` and dummy credentials.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  readonly operation: string;
  readonly body: Record<string, any>;
}

export type Reply = { readonly body: unknown } | { readonly error: string; readonly message: string; readonly status?: number };
export type Handler = (operation: string, body: Record<string, any>, calls: readonly Call[]) => Reply;

export interface FakeEcs {
  readonly url: string;
  readonly calls: Call[];
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeEcs(handler: Handler): Promise<FakeEcs> {
  return startFakeJsonService({ targetPrefix: TARGET_PREFIX, errorNamespace: 'com.amazonaws.ecs' }, handler);
}

/** The same server for another service of the JSON 1.1 protocol: ECR is `AmazonEC2ContainerRegistry_V20150921.`. */
export async function startFakeJsonService(service: { targetPrefix: string; errorNamespace: string }, handler: Handler): Promise<FakeEcs> {
  const calls: Call[] = [];
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls.length}` });
      res.end(JSON.stringify(payload));
    };
    // Reject anything the real service would: wrong method, target or content type, unsigned requests.
    if (
      req.method !== 'POST' ||
      !target.startsWith(service.targetPrefix) ||
      req.headers['content-type'] !== 'application/x-amz-json-1.1' ||
      !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')
    ) {
      send(400, { __type: 'com.amazon.coral.service#UnknownOperationException', message: 'bad request' });
      return;
    }
    const operation = target.slice(service.targetPrefix.length);
    const raw = await readBody(req);
    const body = raw ? JSON.parse(raw) : {};
    calls.push({ operation, body });
    const reply = handler(operation, body, calls);
    if ('error' in reply) send(reply.status ?? 400, { __type: `${service.errorNamespace}#${reply.error}`, message: reply.message });
    else send(200, reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Serve `items` in pages of `size`, with a nextToken that is the next index. */
export function page<T>(items: readonly T[], body: Record<string, any>, size: number): { items: T[]; nextToken?: string } {
  const start = body.nextToken ? Number(body.nextToken) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}
