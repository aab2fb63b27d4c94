/**
 * A local HTTP server that speaks the ECS API's JSON 1.1 protocol as the SDK sends it: POST /,
 * `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`, `Content-Type:
 * application/x-amz-json-1.1`, errors as HTTP 400 with `__type` (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html).
 * The real ECSClient is pointed at it with `endpoint` and dummy credentials.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** The whole request body, as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeEcs(handler: Handler): Promise<FakeEcs> {
  return startFakeJsonService({ targetPrefix: TARGET_PREFIX, errorNamespace: 'com.amazonaws.ecs' }, handler);
}

/** The same server for another service of the JSON 1.1 protocol: ECR is `AmazonEC2ContainerRegistry_V20150921.`. */
export async function startFakeJsonService(service: JsonService, handler: Handler): Promise<FakeEcs> {
  return startJson11Server([service], ({ operation, body }, calls) => handler(operation, body, calls));
}

/** One service of the JSON 1.1 protocol: its `X-Amz-Target` prefix and the namespace of its error `__type`s. */
export interface JsonService {
  readonly targetPrefix: string;
  readonly errorNamespace: string;
}

/** A call, with the service its target named. */
export interface JsonCall extends Call {
  readonly service: JsonService;
}

/**
 * One endpoint for one or more services of the JSON 1.1 protocol (the SDK clients of each are pointed
 * at it). A handler may also never answer (`'hang'`), which is how a timed-out AWS API looks to the
 * client; `close` ends such requests.
 */
export async function startJson11Server(
  services: readonly JsonService[],
  handler: (call: JsonCall, calls: readonly Call[]) => Reply | 'hang',
): Promise<FakeEcs> {
  const calls: Call[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls.length}` });
      res.end(JSON.stringify(payload));
    };
    const service = services.find((s) => target.startsWith(s.targetPrefix));
    // Reject anything the real service would: wrong method, target or content type, unsigned requests.
    if (
      !service ||
      req.method !== 'POST' ||
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
    const reply = handler({ service, operation, body }, calls);
    if (reply === 'hang') hanging.push(res);
    else if ('error' in reply) send(reply.status ?? 400, { __type: `${service.errorNamespace}#${reply.error}`, message: reply.message });
    else send(200, reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serve `items` in pages of `size`, with a nextToken that is the next index. */
export function page<T>(items: readonly T[], body: Record<string, any>, size: number): { items: T[]; nextToken?: string } {
  const start = body.nextToken ? Number(body.nextToken) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}
