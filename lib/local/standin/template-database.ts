/**
 * What the local RDS stand-in needs to know of the template: the `AWS::RDS::DBInstance` (engine and
 * port), the app's environment that points at it (`Fn::GetAtt <db>.Endpoint.Address` / `.Endpoint.Port`),
 * and the ECS secrets that read its RDS-managed master secret (`MasterUserSecret.SecretArn`) with the
 * JSON keys `username` and `password`. Pure; unit-tested in test/local/standin.test.ts.
 */
import { cfnNumber, isIntrinsic, refTarget, renderText } from '../../cfn/values';
import { isObject } from '../../util/is-object';

export const STANDIN_ENGINES = ['mariadb', 'postgres'] as const;
export type StandinEngine = (typeof STANDIN_ENGINES)[number];

/** The engines' default ports, as RDS uses them when the instance sets no Port. */
const DEFAULT_PORTS: Record<StandinEngine, number> = { mariadb: 3306, postgres: 5432 };

export interface TemplateDatabase {
  readonly logicalId: string;
  readonly engine: StandinEngine;
  readonly port: number;
  /** The database the app uses (the instance's DBName, else the contract's `app`). */
  readonly databaseName: string;
  /** A security group of the template allows HTTPS out to the internet (egress.internetHttps). */
  readonly internetHttps?: boolean;
}

/** The template's one database instance, if any; throws (naming the value) for what the stand-in cannot be. */
export function databaseOfTemplate(template: Record<string, unknown>): TemplateDatabase | undefined {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const instances = Object.entries(resources).filter(([, r]) => isObject(r) && r.Type === 'AWS::RDS::DBInstance') as [string, Record<string, unknown>][];
  if (instances.length === 0) return undefined;
  if (instances.length > 1)
    throw new Error(`the local runner stands in for one database; the template has ${instances.length}: ${instances.map(([id]) => id).join(', ')}`);
  const [logicalId, resource] = instances[0];
  const props = isObject(resource.Properties) ? resource.Properties : {};
  const engine = props.Engine;
  if (typeof engine !== 'string' || !(STANDIN_ENGINES as readonly string[]).includes(engine))
    throw new Error(`${logicalId}.Engine is ${JSON.stringify(engine)}; the local stand-in runs ${STANDIN_ENGINES.join(' or ')}`);
  const port = cfnNumber(props.Port) ?? DEFAULT_PORTS[engine as StandinEngine];
  const databaseName = typeof props.DBName === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(props.DBName) ? props.DBName : 'app';
  return { logicalId, engine: engine as StandinEngine, port, databaseName, internetHttps: allowsInternetHttps(template) };
}

/**
 * The host name the task reaches the stand-in under (the engine network's alias of its container),
 * in place of the RDS endpoint; the stand-in's TLS certificate is issued for it.
 */
export function standinHost(db: Pick<TemplateDatabase, 'logicalId'>): string {
  return `${db.logicalId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.rds-standin.internal`;
}

/** The attribute of the database an environment value reads (`Fn::GetAtt [<db>, Endpoint.Address]`), if it is one. */
function endpointAttribute(value: unknown, db: TemplateDatabase): string | undefined {
  if (!isIntrinsic(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  const [id, attr] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split(/\.(.*)/) : [];
  return id === db.logicalId && typeof attr === 'string' ? attr : undefined;
}

/**
 * The local values of environment variables that hold the database's endpoint: its address becomes
 * the stand-in's host name, its port the stand-in's port. Keyed by variable name, as the translator's
 * environment overrides are.
 */
export function endpointOverrides(containerDefinitions: unknown[], db: TemplateDatabase): Record<string, { readonly value: string; readonly reason: string }> {
  const out: Record<string, { value: string; reason: string }> = {};
  for (const def of containerDefinitions.filter(isObject)) {
    for (const kv of (Array.isArray(def.Environment) ? def.Environment : []).filter(isObject)) {
      const attr = endpointAttribute(kv.Value, db);
      if (attr === 'Endpoint.Address')
        out[String(kv.Name)] = { value: standinHost(db), reason: `the RDS endpoint is the local ${db.engine} stand-in (its own container outside the task)` };
      else if (attr === 'Endpoint.Port') out[String(kv.Name)] = { value: String(db.port), reason: `the port of the local ${db.engine} stand-in` };
    }
  }
  return out;
}

/**
 * Which field of the stand-in's credentials an ECS secret reads: `username` or `password` when its
 * ValueFrom is the database's RDS-managed master secret (`MasterUserSecret.SecretArn`, as an
 * attribute or inside a join) with that JSON key (ECS's `arn:...:secret:name:json-key::` syntax,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
 */
export function masterSecretKey(valueFrom: unknown, db: TemplateDatabase): 'username' | 'password' | undefined {
  const text = renderText(valueFrom);
  if (!text.includes(`\${${db.logicalId}.MasterUserSecret.SecretArn}`)) return undefined;
  const key = /:(username|password):[^:]*:[^:]*$/.exec(text)?.[1];
  return key === 'username' || key === 'password' ? key : undefined;
}

/** A TCP rule's port range holds 443 (IpProtocol tcp, 6 or -1 for all). */
const holds443 = (r: Record<string, unknown>) =>
  r.IpProtocol === '-1' ||
  r.IpProtocol === -1 ||
  ((r.IpProtocol === 'tcp' || r.IpProtocol === '6') && (cfnNumber(r.FromPort) ?? 0) <= 443 && 443 <= (cfnNumber(r.ToPort) ?? 65535));

/**
 * Whether the task's security groups (the ECS service's awsvpc `SecurityGroups`) let traffic out to
 * the whole IPv4 internet on 443 (`egress.internetHttps`, lib/constructs/web-service.ts), inline
 * (`SecurityGroupEgress`) or as `AWS::EC2::SecurityGroupEgress` resources. Other groups (the
 * container instances') do not count: the task's ENI carries only its own.
 */
function allowsInternetHttps(template: Record<string, unknown>): boolean {
  const resources = Object.entries(isObject(template.Resources) ? template.Resources : {}).filter((e): e is [string, Record<string, unknown>] =>
    isObject(e[1]),
  );
  const props = (r: Record<string, unknown>) => (isObject(r.Properties) ? r.Properties : {});
  const taskGroups = new Set<string>();
  for (const [, r] of resources.filter(([, r]) => r.Type === 'AWS::ECS::Service')) {
    const net = props(r).NetworkConfiguration;
    const awsvpc = isObject(net) && isObject(net.AwsvpcConfiguration) ? net.AwsvpcConfiguration : {};
    for (const g of Array.isArray(awsvpc.SecurityGroups) ? awsvpc.SecurityGroups : []) {
      const id = refTarget(g);
      if (id) taskGroups.add(id);
    }
  }
  const rules: Record<string, unknown>[] = [];
  for (const [id, r] of resources) {
    const p = props(r);
    if (r.Type === 'AWS::EC2::SecurityGroup' && taskGroups.has(id) && Array.isArray(p.SecurityGroupEgress))
      rules.push(...p.SecurityGroupEgress.filter(isObject));
    if (r.Type === 'AWS::EC2::SecurityGroupEgress' && taskGroups.has(refTarget(p.GroupId) ?? '')) rules.push(p);
  }
  return rules.some((r) => r.CidrIp === '0.0.0.0/0' && holds443(r));
}
