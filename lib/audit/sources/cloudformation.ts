/**
 * CloudFormation source: a template file, or a cloud assembly directory (`cdk.out`) with all its
 * stacks, nested assemblies included, and the Dockerfiles of its container image assets.
 *
 * Resource properties are converted to the ECS API's camelCase and intrinsics become `Unknown`
 * (catalog §2.7), then mapped by the same code as API documents (./ecs-document.ts).
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { AuditInputError } from '../errors';
import {
  type AuditModel,
  type BlockDevice,
  emptyModel,
  type Host,
  type IngressRule,
  isUnknown,
  type Maybe,
  mergeModels,
  type Origin,
  type PolicyStatement,
  unknownValue,
} from '../model';
import { loadDockerfile } from './dockerfile';
import {
  bool,
  capacityProviderFromDocument,
  clusterFromDocument,
  list,
  num,
  obj,
  serviceFromDocument,
  str,
  taskDefinitionFromDocument,
  taskSetFromDocument,
} from './ecs-document';
import { readJson } from './read-json';

type Doc = Record<string, unknown>;

/** `{ "Ref": ... }`, `{ "Fn::...": ... }` or `{ "Condition": ... }`: resolved only at deploy time. */
export function isIntrinsic(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

/**
 * PascalCase to the API's camelCase, leading acronyms included: `EFSVolumeConfiguration` becomes
 * `efsVolumeConfiguration`, as DescribeTaskDefinition spells it.
 */
export function lowerCamel(key: string): string {
  const acronym = /^([A-Z]+)([A-Z][a-z])/.exec(key);
  if (acronym && acronym[1].length > 0) return acronym[1].toLowerCase() + key.slice(acronym[1].length);
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** Keys whose children are user-defined names (log driver options, labels), never renamed (catalog §2.7). */
const USER_MAPS = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels']);

/** Template properties to the API's shape: camelCase keys, intrinsics as `Unknown`. */
export function normalizeCfn(value: unknown, keepKeys = false): unknown {
  if (isIntrinsic(value)) return unknownValue(value);
  if (Array.isArray(value)) return value.map((v) => normalizeCfn(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [keepKeys ? k : lowerCamel(k), normalizeCfn(v, USER_MAPS.has(k))]));
  }
  return value;
}

/**
 * Text with intrinsics rendered as `${...}` placeholders: user data (`Fn::Base64` of `Fn::Join`) and
 * ARNs (`arn:${AWS::Partition}:iam::aws:policy/...`) stay readable even though parts are unknown.
 */
export function renderText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const o = obj(value);
  if (o?.['Fn::Join'] && Array.isArray(o['Fn::Join'])) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown];
    return Array.isArray(parts) ? parts.map(renderText).join(typeof sep === 'string' ? sep : '') : '${?}';
  }
  if (o?.['Fn::Sub'] !== undefined) return renderText(Array.isArray(o['Fn::Sub']) ? o['Fn::Sub'][0] : o['Fn::Sub']);
  if (typeof o?.Ref === 'string') return `\${${o.Ref}}`;
  if (Array.isArray(o?.['Fn::GetAtt'])) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
  return '${?}';
}

/** The logical id an intrinsic points at (`Ref` or `Fn::GetAtt`), if any. */
function refTarget(value: unknown): string | undefined {
  const o = obj(value);
  if (typeof o?.Ref === 'string') return o.Ref;
  if (Array.isArray(o?.['Fn::GetAtt'])) return String((o['Fn::GetAtt'] as unknown[])[0]);
  return undefined;
}

/** User data as text: `Fn::Base64` is rendered; a literal must be base64 already (EC2's contract). */
function userDataText(value: unknown): Maybe<string> | undefined {
  if (value === undefined || value === null) return undefined;
  const o = obj(value);
  if (o && 'Fn::Base64' in o) return renderText(o['Fn::Base64']);
  if (typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  return unknownValue(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function statements(document: unknown): PolicyStatement[] {
  return asArray(obj(document)?.Statement).map((s) => {
    const st = obj(s) ?? {};
    const text = (v: unknown): Maybe<string> => (isIntrinsic(v) && !('Fn::Join' in v) && !('Fn::Sub' in v) ? unknownValue(v) : renderText(v));
    return { effect: str(st.Effect), actions: asArray(st.Action).map(text), resources: asArray(st.Resource).map(text) };
  });
}

function blockDevices(value: unknown): BlockDevice[] | undefined {
  const mapped = list(normalizeCfn(value), (b) => {
    const ebs = obj(b.ebs);
    return { deviceName: str(b.deviceName), ebs: ebs !== undefined, encrypted: ebs ? bool(ebs.encrypted) : undefined };
  });
  return mapped === undefined || isUnknown(mapped) ? undefined : [...mapped];
}

/** Whether user data joins an ECS cluster (the agent reads /etc/ecs/ecs.config). */
function joinsEcs(userData: Maybe<string> | undefined): boolean {
  return typeof userData === 'string' && /ECS_CLUSTER|\/etc\/ecs\/ecs\.config/.test(userData);
}

export interface TemplateSource {
  /** Stack (artifact) name, the first part of every resource id. */
  readonly stack: string;
  /** File the template was read from, for locations. */
  readonly file: string;
  readonly template: unknown;
  /** The file's text, to find each resource's line. */
  readonly text?: string;
}

/** Map one template into the model. */
export function modelFromTemplate(source: TemplateSource): AuditModel {
  const model = emptyModel();
  const template = obj(source.template);
  const resources = obj(template?.Resources);
  if (!resources) throw new AuditInputError(`${source.file} is not a CloudFormation template (no Resources)`);
  const parameters = obj(template?.Parameters) ?? {};
  const { stack } = source;
  const id = (logicalId: string) => `${stack}/${logicalId}`;
  const origin = (logicalId: string): Origin => ({
    kind: 'cloudformation',
    file: source.file,
    stack,
    logicalId,
    line: lineOf(source.text, logicalId),
  });
  const ofType = (type: string) =>
    Object.entries(resources)
      .filter(([, r]) => obj(r)?.Type === type)
      .map(([logicalId, r]) => [logicalId, obj(obj(r)?.Properties) ?? {}] as const);

  for (const [logicalId, props] of ofType('AWS::ECS::TaskDefinition')) {
    model.taskDefinitions.push(taskDefinitionFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId)));
  }
  for (const [logicalId, props] of ofType('AWS::ECS::Service')) {
    const target = refTarget(props.TaskDefinition);
    const taskDefinition = target ? id(target) : str(normalizeCfn(props.TaskDefinition));
    model.services.push(serviceFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId), taskDefinition));
  }
  for (const [logicalId, props] of ofType('AWS::ECS::TaskSet')) {
    model.taskSets.push(taskSetFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId)));
  }
  for (const [logicalId, props] of ofType('AWS::ECS::Cluster')) {
    model.clusters.push(clusterFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId)));
  }
  const ecsAutoScalingGroups = new Set<string>();
  for (const [logicalId, props] of ofType('AWS::ECS::CapacityProvider')) {
    model.capacityProviders.push(capacityProviderFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId)));
    const asg = refTarget(obj(props.AutoScalingGroupProvider)?.AutoScalingGroupArn);
    if (asg) ecsAutoScalingGroups.add(asg);
  }
  // Launch templates and configurations behind an ECS capacity provider launch container instances.
  const ecsLaunchers = new Set<string>();
  for (const [logicalId, props] of ofType('AWS::AutoScaling::AutoScalingGroup')) {
    if (!ecsAutoScalingGroups.has(logicalId)) continue;
    const mixed = obj(obj(obj(props.MixedInstancesPolicy)?.LaunchTemplate)?.LaunchTemplateSpecification);
    for (const ref of [obj(props.LaunchTemplate)?.LaunchTemplateId, mixed?.LaunchTemplateId, props.LaunchConfigurationName]) {
      const target = refTarget(ref);
      if (target) ecsLaunchers.add(target);
    }
  }

  const ssmParameter = (imageId: unknown): string | undefined => {
    const param = obj(parameters[refTarget(imageId) ?? '']);
    if (param && String(param.Type).startsWith('AWS::SSM::Parameter::Value') && typeof param.Default === 'string') return param.Default;
    const resolve = typeof imageId === 'string' ? /^\{\{resolve:ssm:([^}:]+)/.exec(imageId) : null;
    return resolve?.[1];
  };
  const host = (kind: Host['kind'], logicalId: string, d: Doc, extra: Partial<Host>): Host => {
    const metadata = obj(d.MetadataOptions);
    const userData = userDataText(d.UserData);
    return {
      id: id(logicalId),
      origin: origin(logicalId),
      kind,
      ecs: ecsLaunchers.has(logicalId) || joinsEcs(userData),
      httpTokens: str(normalizeCfn(metadata?.HttpTokens)),
      hopLimit: num(normalizeCfn(metadata?.HttpPutResponseHopLimit)),
      blockDevices: blockDevices(d.BlockDeviceMappings) ?? [],
      userData,
      imageId: str(normalizeCfn(d.ImageId)),
      imageSsmParameter: ssmParameter(d.ImageId),
      ...extra,
    };
  };
  const anyPublicIp = (interfaces: unknown): Maybe<boolean> | undefined => {
    const values = asArray(interfaces).map((n) => bool(normalizeCfn(obj(n)?.AssociatePublicIpAddress)));
    return values.find((v) => v === true) ?? values.find((v) => isUnknown(v)) ?? (values.length ? false : undefined);
  };
  for (const [logicalId, props] of ofType('AWS::EC2::LaunchTemplate')) {
    const d = obj(props.LaunchTemplateData) ?? {};
    model.hosts.push(
      host('LaunchTemplate', logicalId, d, {
        associatePublicIp: anyPublicIp(d.NetworkInterfaces),
        monitoring: bool(normalizeCfn(obj(d.Monitoring)?.Enabled)) ?? false,
      }),
    );
  }
  for (const [logicalId, props] of ofType('AWS::AutoScaling::LaunchConfiguration')) {
    model.hosts.push(
      host('LaunchConfiguration', logicalId, props, {
        associatePublicIp: bool(normalizeCfn(props.AssociatePublicIpAddress)),
        // Launch configurations enable detailed monitoring unless told otherwise.
        monitoring: bool(normalizeCfn(props.InstanceMonitoring)) ?? true,
      }),
    );
  }
  for (const [logicalId, props] of ofType('AWS::EC2::Instance')) {
    model.hosts.push(
      host('Instance', logicalId, props, {
        usesLaunchTemplate: props.LaunchTemplate !== undefined,
        associatePublicIp: anyPublicIp(props.NetworkInterfaces),
        monitoring: bool(normalizeCfn(props.Monitoring)) ?? false,
      }),
    );
  }

  const ingress = (rule: Doc): IngressRule => ({
    cidrIp: str(normalizeCfn(rule.CidrIp)),
    cidrIpv6: str(normalizeCfn(rule.CidrIpv6)),
    ipProtocol: str(normalizeCfn(rule.IpProtocol)),
    fromPort: num(normalizeCfn(rule.FromPort)),
    toPort: num(normalizeCfn(rule.ToPort)),
  });
  const groups = new Map<string, { description?: Maybe<string>; ingress: IngressRule[] }>();
  for (const [logicalId, props] of ofType('AWS::EC2::SecurityGroup')) {
    groups.set(logicalId, { description: str(normalizeCfn(props.GroupDescription)), ingress: asArray(props.SecurityGroupIngress).map((r) => ingress(obj(r) ?? {})) });
  }
  for (const [logicalId, props] of ofType('AWS::EC2::SecurityGroupIngress')) {
    const target = refTarget(props.GroupId);
    const group = target ? groups.get(target) : undefined;
    if (group) group.ingress.push(ingress(props));
    else groups.set(logicalId, { ingress: [ingress(props)] });
  }
  for (const [logicalId, group] of groups) {
    model.securityGroups.push({ id: id(logicalId), origin: origin(logicalId), ...group });
  }

  const listeners = ofType('AWS::ElasticLoadBalancingV2::Listener');
  for (const [logicalId, props] of ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const attributes: Record<string, Maybe<string>> = {};
    for (const a of asArray(props.LoadBalancerAttributes)) {
      const attr = obj(a);
      const value = str(normalizeCfn(attr?.Value));
      if (typeof attr?.Key === 'string' && value !== undefined) attributes[attr.Key] = value;
    }
    model.loadBalancers.push({
      id: id(logicalId),
      origin: origin(logicalId),
      type: str(normalizeCfn(props.Type)) ?? 'application',
      attributes,
      listeners: listeners
        .filter(([, l]) => refTarget(l.LoadBalancerArn) === logicalId)
        .map(([listenerId, l]) => ({
          id: id(listenerId),
          protocol: str(normalizeCfn(l.Protocol)),
          port: num(normalizeCfn(l.Port)),
          sslPolicy: str(normalizeCfn(l.SslPolicy)),
          redirectsToHttps: asArray(l.DefaultActions).some(
            (a) => obj(a)?.Type === 'redirect' && obj(obj(a)?.RedirectConfig)?.Protocol === 'HTTPS',
          ),
        })),
    });
  }

  const bucketPolicies = ofType('AWS::S3::BucketPolicy');
  const logTargets = new Set(
    ofType('AWS::S3::Bucket')
      .map(([, props]) => refTarget(obj(props.LoggingConfiguration)?.DestinationBucketName))
      .filter((t): t is string => t !== undefined),
  );
  for (const [logicalId, props] of ofType('AWS::S3::Bucket')) {
    const pab = obj(props.PublicAccessBlockConfiguration);
    model.buckets.push({
      id: id(logicalId),
      origin: origin(logicalId),
      accessLogging: props.LoggingConfiguration !== undefined,
      isAccessLogTarget: logTargets.has(logicalId),
      publicAccessBlock: pab ? Object.fromEntries(Object.entries(pab).map(([k, v]) => [k, bool(normalizeCfn(v)) ?? false])) : undefined,
      deniesInsecureTransport: bucketPolicies
        .filter(([, p]) => refTarget(p.Bucket) === logicalId)
        .some(([, p]) =>
          asArray(obj(p.PolicyDocument)?.Statement).some((s) => {
            const st = obj(s);
            const secure = obj(obj(st?.Condition)?.Bool)?.['aws:SecureTransport'];
            return st?.Effect === 'Deny' && String(secure) === 'false';
          }),
        ),
    });
  }

  for (const [logicalId, props] of ofType('AWS::Logs::LogGroup')) {
    model.logGroups.push({ id: id(logicalId), origin: origin(logicalId), retentionInDays: num(normalizeCfn(props.RetentionInDays)), kmsKeyId: str(normalizeCfn(props.KmsKeyId)) });
  }
  for (const [logicalId, props] of ofType('AWS::IAM::Role')) {
    model.iamRoles.push({ id: id(logicalId), origin: origin(logicalId), managedPolicyArns: asArray(props.ManagedPolicyArns).map(renderText) });
    for (const p of asArray(props.Policies)) {
      const policy = obj(p);
      model.iamPolicies.push({ id: `${id(logicalId)}#${String(policy?.PolicyName)}`, origin: origin(logicalId), statements: statements(policy?.PolicyDocument) });
    }
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [logicalId, props] of ofType(type)) {
      model.iamPolicies.push({ id: id(logicalId), origin: origin(logicalId), statements: statements(props.PolicyDocument) });
    }
  }
  for (const [logicalId, props] of ofType('AWS::KMS::Key')) {
    model.kmsKeys.push({ id: id(logicalId), origin: origin(logicalId), enableKeyRotation: bool(normalizeCfn(props.EnableKeyRotation)), keySpec: str(normalizeCfn(props.KeySpec)) });
  }
  const flowLogVpcs = new Set(ofType('AWS::EC2::FlowLog').map(([, props]) => refTarget(props.ResourceId)));
  for (const [logicalId] of ofType('AWS::EC2::VPC')) {
    model.vpcs.push({ id: id(logicalId), origin: origin(logicalId), hasFlowLog: flowLogVpcs.has(logicalId) });
  }
  return model;
}

/** 1-based line where a resource's logical id is declared in the template text. */
function lineOf(text: string | undefined, logicalId: string): number | undefined {
  if (!text) return undefined;
  const match = new RegExp(`^\\s*"${logicalId}"\\s*:`, 'm').exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}

function templateSource(file: string, stack: string): TemplateSource {
  const { json, text } = readJson(file);
  return { stack, file, template: json, text };
}

/** Stack name from a template file name: `SecureEcsStarter.template.json` is `SecureEcsStarter`. */
export function stackNameOf(file: string): string {
  return path.basename(file).replace(/(\.template)?\.json$/, '');
}

/**
 * The Dockerfiles of a stack's container image assets, from the asset manifest next to its template.
 * Resource id: `Stack/<asset display name>` (stable, unlike the hash-named asset directory).
 */
export function assetDockerfiles(templateFile: string): AuditModel {
  const model = emptyModel();
  const manifest = templateFile.replace(/\.template\.json$/, '.assets.json');
  if (manifest === templateFile || !existsSync(manifest)) return model;
  const images = obj(obj(readJson(manifest).json)?.dockerImages) ?? {};
  for (const [assetId, image] of Object.entries(images)) {
    const source = obj(obj(image)?.source);
    if (typeof source?.directory !== 'string') continue;
    const file = path.join(path.dirname(manifest), source.directory, typeof source.dockerFile === 'string' ? source.dockerFile : 'Dockerfile');
    if (!existsSync(file)) continue;
    const name = typeof obj(image)?.displayName === 'string' ? String(obj(image)?.displayName) : assetId;
    model.dockerfiles.push(...loadDockerfile(file, `${stackNameOf(templateFile)}/${name}`).dockerfiles);
  }
  return model;
}

/** The stack templates of a cloud assembly directory (nested assemblies included). */
function assemblyTemplates(dir: string): { file: string; stack: string }[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new AuditInputError(`${dir} is a directory but not a cloud assembly (no manifest.json); run cdk synth first`);
  }
  const artifacts = obj(obj(readJson(manifestFile).json)?.artifacts) ?? {};
  const found: { file: string; stack: string }[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    const a = obj(artifact);
    const props = obj(a?.properties);
    if (a?.type === 'aws:cloudformation:stack' && typeof props?.templateFile === 'string') {
      found.push({ file: path.join(dir, props.templateFile), stack: artifactId });
    } else if (a?.type === 'cdk:cloud-assembly' && typeof props?.directoryName === 'string') {
      found.push(...assemblyTemplates(path.join(dir, props.directoryName)));
    }
  }
  return found;
}

/**
 * Load `--template PATH`: a template file or a cloud assembly directory. Fails (exit 2) when the
 * input holds no ECS task definition, because then there is nothing this audit is for.
 */
export function loadCloudFormation(target: string): AuditModel {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new AuditInputError(`cannot read ${target}: no such file or directory`);
  }
  const templates = isDir ? assemblyTemplates(target) : [{ file: target, stack: stackNameOf(target) }];
  const merged = mergeModels(...templates.flatMap(({ file, stack }) => [modelFromTemplate(templateSource(file, stack)), assetDockerfiles(file)]));
  if (merged.taskDefinitions.length === 0) {
    throw new AuditInputError(`${target} has no AWS::ECS::TaskDefinition (${templates.length} template(s) read)`);
  }
  return merged;
}
