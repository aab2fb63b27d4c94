/**
 * CloudFormation source: a template file, or a cloud assembly directory (`cdk.out`) with all its
 * stacks, nested assemblies included, and the Dockerfiles of its container image assets.
 *
 * Resource properties are converted to the ECS API's camelCase and intrinsics become `Unknown`
 * (catalog §2.7), then mapped by the same code as API documents (./ecs-document.ts).
 */
import { bottlerocketSetting, bottlerocketSettings } from './bottlerocket-user-data';
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
import { wholeAddressSpace } from './address-range';
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
import { withParameterDefaults } from './parameter-defaults';
import { readJson } from './read-json';
import { Manifest } from '@aws-cdk/cloud-assembly-schema';
import { isIntrinsic, renderText } from '../../cfn/values';
import { CloudAssemblyError, dockerImageAssets, readAssembly, type DockerImageAsset } from '../../cdk-out/assembly';

type Doc = Record<string, unknown>;

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

/**
 * Whether a listener's default actions redirect to HTTPS. Unknown when the actions are conditional
 * (`Fn::If` of a redirect and a forward): unknown values never produce a finding (docs/audit-rules.md).
 */
function redirectsToHttps(actions: unknown): Maybe<boolean> {
  if (isIntrinsic(actions)) return unknownValue(actions);
  const list = asArray(actions);
  const redirect = (a: unknown) => obj(a)?.Type === 'redirect' && obj(obj(a)?.RedirectConfig)?.Protocol === 'HTTPS';
  if (list.some(redirect)) return true;
  const conditional = list.find((a) => isIntrinsic(a) || isIntrinsic(obj(a)?.Type) || isIntrinsic(obj(obj(a)?.RedirectConfig)?.Protocol));
  return conditional === undefined ? false : unknownValue(conditional);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `Principal`: `"*"`, or a map of `AWS`/`Service`/`Federated`/`CanonicalUser` to one value or a list. */
function principals(principal: unknown, text: (v: unknown) => Maybe<string>): Maybe<string>[] {
  if (principal === undefined || principal === null) return [];
  if (isIntrinsic(principal)) return [unknownValue(principal)];
  const map = obj(principal);
  return map ? Object.values(map).flatMap((v) => asArray(v).map(text)) : [text(principal)];
}

/** A policy document is an object, or the same as a JSON string (CloudFormation accepts both). */
function policyDocument(document: unknown): Doc | undefined {
  if (typeof document !== 'string') return obj(document);
  try {
    return obj(JSON.parse(document));
  } catch {
    return undefined;
  }
}

function statements(document: unknown): PolicyStatement[] {
  return asArray(policyDocument(document)?.Statement).map((s) => {
    const st = obj(s) ?? {};
    const text = (v: unknown): Maybe<string> => (isIntrinsic(v) && !('Fn::Join' in v) && !('Fn::Sub' in v) ? unknownValue(v) : renderText(v));
    return {
      effect: str(st.Effect),
      actions: asArray(st.Action).map(text),
      resources: asArray(st.Resource).map(text),
      principals: principals(st.Principal, text),
      conditional: st.Condition !== undefined,
    };
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
  if (typeof userData !== 'string') return false;
  return /ECS_CLUSTER|\/etc\/ecs\/ecs\.config/.test(userData) || bottlerocketSetting(bottlerocketSettings(userData) ?? {}, 'ecs.cluster') !== undefined;
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
  // Each resource's properties with parameter defaults read in (./parameter-defaults.ts).
  const resolved = new Map(
    Object.entries(resources).map(([logicalId, r]) => [logicalId, withParameterDefaults(obj(obj(r)?.Properties) ?? {}, parameters)] as const),
  );
  const origin = (logicalId: string): Origin => {
    const used = resolved.get(logicalId)?.used ?? [];
    return {
      kind: 'cloudformation',
      file: source.file,
      stack,
      logicalId,
      line: lineOf(source.text, logicalId),
      ...(used.length ? { parameterDefaults: used } : {}),
    };
  };
  const ofType = (type: string) =>
    Object.entries(resources)
      .filter(([, r]) => obj(r)?.Type === type)
      .map(([logicalId]) => [logicalId, resolved.get(logicalId)!.properties as Doc] as const);

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
      httpEndpoint: str(normalizeCfn(metadata?.HttpEndpoint)),
      hopLimit: num(normalizeCfn(metadata?.HttpPutResponseHopLimit)),
      blockDevices: blockDevices(d.BlockDeviceMappings) ?? [],
      userData,
      bottlerocket: bottlerocketSettings(typeof userData === 'string' ? userData : undefined),
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

  const declaredIn = (logicalId: string) => ({ id: id(logicalId), origin: origin(logicalId) });
  const ingress = (rule: Doc, logicalId: string): IngressRule => ({
    declaredIn: declaredIn(logicalId),
    cidrIp: str(normalizeCfn(rule.CidrIp)),
    cidrIpv6: str(normalizeCfn(rule.CidrIpv6)),
    fromAnywhere: wholeAddressSpace(rule.CidrIp) ?? wholeAddressSpace(rule.CidrIpv6),
    description: str(normalizeCfn(rule.Description)),
    ipProtocol: str(normalizeCfn(rule.IpProtocol)),
    fromPort: num(normalizeCfn(rule.FromPort)),
    toPort: num(normalizeCfn(rule.ToPort)),
  });
  // A conditional rule list (`Fn::If`) or rule (`Fn::If` item) is unknown: it yields no rule to judge.
  const rules = (value: unknown) =>
    isIntrinsic(value)
      ? []
      : asArray(value)
          .filter((r) => !isIntrinsic(r) && obj(r) !== undefined)
          .map((r) => obj(r)!);
  type Group = { description?: Maybe<string>; ingress: IngressRule[]; egress: { declaredIn: IngressRule['declaredIn']; description?: Maybe<string> }[] };
  const groups = new Map<string, Group>();
  for (const [logicalId, props] of ofType('AWS::EC2::SecurityGroup')) {
    groups.set(logicalId, {
      description: str(normalizeCfn(props.GroupDescription)),
      ingress: rules(props.SecurityGroupIngress).map((r) => ingress(r, logicalId)),
      egress: rules(props.SecurityGroupEgress).map((r) => ({ declaredIn: declaredIn(logicalId), description: str(normalizeCfn(r.Description)) })),
    });
  }
  for (const [type, direction] of [
    ['AWS::EC2::SecurityGroupIngress', 'ingress'],
    ['AWS::EC2::SecurityGroupEgress', 'egress'],
  ] as const) {
    for (const [logicalId, props] of ofType(type)) {
      const target = refTarget(props.GroupId);
      const group = (target ? groups.get(target) : undefined) ?? { ingress: [], egress: [] };
      if (!target || !groups.has(target)) groups.set(logicalId, group);
      if (direction === 'ingress') group.ingress.push(ingress(props, logicalId));
      else group.egress.push({ declaredIn: declaredIn(logicalId), description: str(normalizeCfn(props.Description)) });
    }
  }
  for (const [logicalId, group] of groups) {
    model.securityGroups.push({ id: id(logicalId), origin: origin(logicalId), ...group });
  }

  const loadBalancerIds = new Set(ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').map(([logicalId]) => logicalId));
  for (const [logicalId, l] of ofType('AWS::ElasticLoadBalancingV2::Listener')) {
    const target = refTarget(l.LoadBalancerArn);
    model.listeners.push({
      id: id(logicalId),
      origin: origin(logicalId),
      loadBalancer: target && loadBalancerIds.has(target) ? id(target) : undefined,
      protocol: str(normalizeCfn(l.Protocol)),
      port: num(normalizeCfn(l.Port)),
      sslPolicy: str(normalizeCfn(l.SslPolicy)),
      redirectsToHttps: redirectsToHttps(l.DefaultActions),
    });
  }
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
      encryption:
        props.BucketEncryption === undefined
          ? undefined
          : isIntrinsic(props.BucketEncryption) || isIntrinsic(obj(props.BucketEncryption)?.ServerSideEncryptionConfiguration)
            ? unknownValue(props.BucketEncryption)
            : asArray(obj(props.BucketEncryption)?.ServerSideEncryptionConfiguration).map(
                (r) => str(normalizeCfn(obj(obj(r)?.ServerSideEncryptionByDefault)?.SSEAlgorithm)) ?? '',
              ),
      versioning: str(normalizeCfn(obj(props.VersioningConfiguration)?.Status)),
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
    model.logGroups.push({
      id: id(logicalId),
      origin: origin(logicalId),
      retentionInDays: num(normalizeCfn(props.RetentionInDays)),
      kmsKeyId: str(normalizeCfn(props.KmsKeyId)),
    });
  }
  for (const [logicalId, props] of ofType('AWS::IAM::Role')) {
    model.iamRoles.push({
      id: id(logicalId),
      origin: origin(logicalId),
      managedPolicyArns: asArray(props.ManagedPolicyArns).map(renderText),
      trustStatements: statements(props.AssumeRolePolicyDocument),
    });
  }
  // Inline policies of roles, users and groups alike (checkov reads all three).
  for (const type of ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']) {
    for (const [logicalId, props] of ofType(type)) {
      for (const p of asArray(props.Policies)) {
        const policy = obj(p);
        model.iamPolicies.push({
          id: `${id(logicalId)}#${String(policy?.PolicyName)}`,
          origin: origin(logicalId),
          statements: statements(policy?.PolicyDocument),
        });
      }
    }
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [logicalId, props] of ofType(type)) {
      model.iamPolicies.push({ id: id(logicalId), origin: origin(logicalId), statements: statements(props.PolicyDocument) });
    }
  }
  for (const [logicalId, props] of ofType('AWS::KMS::Key')) {
    model.kmsKeys.push({
      id: id(logicalId),
      origin: origin(logicalId),
      enableKeyRotation: bool(normalizeCfn(props.EnableKeyRotation)),
      keySpec: str(normalizeCfn(props.KeySpec)),
      policyStatements: statements(props.KeyPolicy),
    });
  }
  for (const [logicalId, props] of ofType('AWS::ECR::Repository')) {
    model.ecrRepositories.push({
      id: id(logicalId),
      origin: origin(logicalId),
      scanOnPush: bool(normalizeCfn(obj(props.ImageScanningConfiguration)?.ScanOnPush)),
      tagMutability: str(normalizeCfn(props.ImageTagMutability)),
      encryptionType: str(normalizeCfn(obj(props.EncryptionConfiguration)?.EncryptionType)),
      hasLifecyclePolicy: obj(props.LifecyclePolicy)?.LifecyclePolicyText !== undefined,
    });
  }
  for (const [logicalId, props] of ofType('AWS::EC2::Volume')) {
    model.ebsVolumes.push({ id: id(logicalId), origin: origin(logicalId), encrypted: bool(normalizeCfn(props.Encrypted)) });
  }
  for (const [logicalId, props] of ofType('AWS::SecretsManager::Secret')) {
    model.secrets.push({ id: id(logicalId), origin: origin(logicalId), kmsKeyId: str(normalizeCfn(props.KmsKeyId)) });
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
 * The Dockerfiles of a stack's container image assets. Resource id: `Stack/<asset display name>`
 * (stable, unlike the hash-named asset directory). In an assembly the asset manifests come from the
 * stack's dependencies (lib/cdk-out); a lone template is paired with the `.assets.json` beside it.
 */
export function assetDockerfiles(templateFile: string, images?: DockerImageAsset[]): AuditModel {
  const model = emptyModel();
  let assets = images;
  if (!assets) {
    const manifest = templateFile.replace(/\.template\.json$/, '.assets.json');
    if (manifest === templateFile || !existsSync(manifest)) return model;
    assets = dockerImageAssets({ assetManifests: [{ file: manifest, manifest: Manifest.loadAssetManifest(manifest) }] });
  }
  for (const image of assets) {
    if (!image.directory) continue;
    const file = path.join(image.directory, image.source.dockerFile ?? 'Dockerfile');
    if (!existsSync(file)) continue;
    model.dockerfiles.push(...loadDockerfile(file, `${stackNameOf(templateFile)}/${image.displayName ?? image.id}`).dockerfiles);
  }
  return model;
}

/** The stacks of a cloud assembly directory (nested assemblies included), read by the shared reader. */
function assemblyStacks(dir: string): { file: string; stack: string; images: DockerImageAsset[] }[] {
  try {
    return readAssembly(dir).map((s) => ({ file: s.templateFile, stack: s.id, images: dockerImageAssets(s) }));
  } catch (e) {
    if (e instanceof CloudAssemblyError) throw new AuditInputError(e.message);
    throw e;
  }
}

/**
 * Load `--template PATH`: a template file or a cloud assembly directory. A template without a task
 * definition (a network-only or bucket-only stack) is audited for whatever resources it has.
 */
export function loadCloudFormation(target: string): AuditModel {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new AuditInputError(`cannot read ${target}: no such file or directory`);
  }
  const templates = isDir ? assemblyStacks(target) : [{ file: target, stack: stackNameOf(target), images: undefined }];
  return mergeModels(...templates.flatMap(({ file, stack, images }) => [modelFromTemplate(templateSource(file, stack)), assetDockerfiles(file, images)]));
}
