/**
 * A local HTTP endpoint that answers the AWS JSON 1.1 protocol for ECS and ECR as the SDK sends it:
 * POST /, `X-Amz-Target: <service prefix>.<Operation>`, `Content-Type: application/x-amz-json-1.1`,
 * a SigV4 `Authorization` header; errors as a status with `__type`
 * (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html). The real ECSClient and ECRClient
 * are pointed at it with `endpoint` and dummy credentials. A handler may also never answer (`hang`),
 * which is how a timed-out AWS API looks to the client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICES = {
  'AmazonEC2ContainerServiceV20141113.': 'ecs',
  'AmazonEC2ContainerRegistry_V20150921.': 'ecr',
} as const;
export type AwsService = (typeof SERVICES)[keyof typeof SERVICES];

export interface AwsCall {
  readonly service: AwsService;
  readonly operation: string;
  readonly body: Record<string, any>;
}
export type AwsReply = { readonly body: unknown } | { readonly error: string; readonly message: string; readonly status?: number } | 'hang';
export type AwsHandler = (call: AwsCall) => AwsReply;

export interface AwsEndpoint {
  readonly url: string;
  readonly calls: AwsCall[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAwsEndpoint(handler: AwsHandler): Promise<AwsEndpoint> {
  const calls: AwsCall[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls.length}` });
      res.end(JSON.stringify(payload));
    };
    const prefix = (Object.keys(SERVICES) as (keyof typeof SERVICES)[]).find((p) => target.startsWith(p));
    // Refuse what the real services would: wrong method, target or content type, unsigned requests.
    if (
      !prefix ||
      req.method !== 'POST' ||
      req.headers['content-type'] !== 'application/x-amz-json-1.1' ||
      !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')
    ) {
      send(400, { __type: 'com.amazon.coral.service#UnknownOperationException', message: 'bad request' });
      return;
    }
    const raw = await readBody(req);
    const call: AwsCall = { service: SERVICES[prefix], operation: target.slice(prefix.length), body: raw ? JSON.parse(raw) : {} };
    calls.push(call);
    const reply = handler(call);
    if (reply === 'hang') hanging.push(res);
    else if ('error' in reply) send(reply.status ?? 400, { __type: `com.amazonaws.${call.service}#${reply.error}`, message: reply.message });
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
