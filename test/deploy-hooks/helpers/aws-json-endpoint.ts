/**
 * A local HTTP endpoint that answers the AWS JSON 1.1 protocol for ECS and ECR as the SDK sends it:
 * POST /, `X-Amz-Target: <service prefix>.<Operation>`, `Content-Type: application/x-amz-json-1.1`,
 * a SigV4 `Authorization` header; errors as a status with `__type`
 * (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html). The real ECSClient and ECRClient
 * are pointed at it with `endpoint` and dummy credentials. A handler may also never answer (`hang`),
 * which is how a timed-out AWS API looks to the client.
 */
import { type JsonService, startJson11Server } from '../../audit/helpers/ecs-server';

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

/** ECS and ECR on one endpoint: the shared JSON 1.1 server (test/audit/helpers/ecs-server.ts), its calls named by service. */
export async function startAwsEndpoint(handler: AwsHandler): Promise<AwsEndpoint> {
  const services: JsonService[] = Object.entries(SERVICES).map(([targetPrefix, name]) => ({ targetPrefix, errorNamespace: `com.amazonaws.${name}` }));
  const nameOf = (service: JsonService) => SERVICES[service.targetPrefix as keyof typeof SERVICES];
  const calls: AwsCall[] = [];
  const server = await startJson11Server(services, ({ service, operation, body }) => {
    const call: AwsCall = { service: nameOf(service), operation, body };
    calls.push(call);
    return handler(call);
  });
  return { url: server.url, calls, close: () => server.close() };
}
