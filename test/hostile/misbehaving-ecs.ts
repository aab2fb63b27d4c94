/**
 * An ECS endpoint on 127.0.0.1 that misbehaves the ways a network and a broken or hostile server do:
 * it accepts and never answers, stalls in the middle of a body, answers garbage, throttles every
 * call, or hands out the same nextToken again. The CLI reaches it through the real
 * @aws-sdk/client-ecs (`--endpoint`), so what is tested is the SDK's client with the project's settings.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Behaviour = (operation: string, req: IncomingMessage, res: ServerResponse) => void;

export interface MisbehavingEcs {
  readonly url: string;
  /** Operations received, in order (`ListServices`, ...). */
  readonly operations: string[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
};

const CLUSTER = { clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/web', clusterName: 'web', status: 'ACTIVE', capacityProviders: [] };

/** A cluster that exists, then the listing the behaviour decides. */
export const BEHAVIOURS = {
  /** Accepts the connection and the request, never answers. */
  hang: (): Behaviour => () => undefined,
  /** Headers and 12 bytes of body, then silence. */
  stallMidBody: (): Behaviour => (_op, _req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '4000' });
    res.write('{"clusters":');
  },
  /** HTML from a proxy or captive portal, with an escape sequence in it. */
  garbage: (): Behaviour => (_op, _req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>\u001b]0;owned\u0007 sign in hunter2-portal</body></html>');
  },
  /** Every call throttled (HTTP 400 ThrottlingException, as ECS sends it). */
  throttle: (): Behaviour => (_op, _req, res) => json(res, 400, { __type: 'com.amazonaws.ecs#ThrottlingException', message: 'Rate exceeded' }),
  /** A cluster whose ListServices (and ListTaskDefinitions) pages always carry the same nextToken. */
  repeatToken: (): Behaviour => (op, _req, res) => {
    if (op === 'DescribeClusters') return json(res, 200, { clusters: [CLUSTER], failures: [] });
    if (op === 'ListServices') return json(res, 200, { serviceArns: [], nextToken: 'same-token' });
    if (op === 'ListTaskDefinitions') return json(res, 200, { taskDefinitionArns: [], nextToken: 'same-token' });
    return json(res, 400, { __type: 'com.amazonaws.ecs#InvalidParameterException', message: op });
  },
  /** An empty, healthy account: the cluster exists and holds nothing. */
  empty: (): Behaviour => (op, _req, res) => {
    if (op === 'DescribeClusters') return json(res, 200, { clusters: [CLUSTER], failures: [] });
    if (op === 'ListServices') return json(res, 200, { serviceArns: [] });
    if (op === 'ListContainerInstances') return json(res, 200, { containerInstanceArns: [] });
    return json(res, 400, { __type: 'com.amazonaws.ecs#InvalidParameterException', message: op });
  },
};

export async function startMisbehavingEcs(behaviour: Behaviour): Promise<MisbehavingEcs> {
  const operations: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^.*\./, '');
    req.resume();
    req.on('end', () => {
      operations.push(operation);
      behaviour(operation, req, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    operations,
    close: () =>
      new Promise((resolve) => {
        // Hung and stalled exchanges keep their sockets open: end them so the server can close.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
