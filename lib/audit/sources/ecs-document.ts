/**
 * Maps ECS API-shaped documents (camelCase, as DescribeTaskDefinition, DescribeServices,
 * DescribeClusters and DescribeCapacityProviders return them) into the audit model.
 *
 * All three sources end here: the live source passes SDK output, the task definition file source
 * passes the file's JSON, and the CloudFormation source passes the resource properties after
 * converting them to camelCase with intrinsics replaced by `Unknown` (catalog §2.7). So an ECS
 * field is read in exactly one place, whatever the input was.
 */
import {
  type CapacityProvider,
  type Cluster,
  type Container,
  type ContainerInstance,
  isUnknown,
  type List,
  type Maybe,
  type Origin,
  type Service,
  type TaskDefinition,
  type TaskSet,
  type SecretShape,
  type Volume,
} from '../model';
import { secretShape } from './secret-shapes';
import { cfnBoolean, cfnNumber } from '../../cfn/values';
import { isObject } from '../../util/is-object';

type Doc = Record<string, unknown>;

/** A string (numbers are printed), unknown, or undefined when absent/null. */
export function str(value: unknown): Maybe<string> | undefined {
  if (isUnknown(value)) return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A boolean; CloudFormation also accepts the strings "true" and "false" (catalog §2.7). */
export function bool(value: unknown): Maybe<boolean> | undefined {
  return isUnknown(value) ? value : cfnBoolean(value);
}

/** A number; numeric strings count ("512"). */
export function num(value: unknown): Maybe<number> | undefined {
  return isUnknown(value) ? value : cfnNumber(value);
}

/** An object, or undefined when absent or not an object. An unknown object reads as undefined fields. */
export function obj(value: unknown): Doc | undefined {
  return isObject(value) && !isUnknown(value) ? value : undefined;
}

/**
 * A field of an object field. When the object is unknown (`Fn::If` around `LinuxParameters` or
 * `HealthCheck`), so is every field in it: read as absent, it gave findings about values nobody
 * knows (hostile-input finding D12), and an unknown value never produces a finding.
 */
function child(value: unknown, key: string): unknown {
  return isUnknown(value) ? value : obj(value)?.[key];
}

/** A list mapped item by item; an intrinsic list stays unknown. An unknown object item makes the list unknown. */
export function list<T>(value: unknown, item: (doc: Doc) => T): List<T> | undefined {
  if (isUnknown(value)) return value;
  if (!Array.isArray(value)) return undefined;
  const unknownItem = value.find((v) => isUnknown(v));
  if (unknownItem) return unknownItem as List<T>;
  return value.filter((v) => obj(v)).map((v) => item(v as Doc));
}

/** A list of strings; intrinsic items stay unknown items. */
function strings(value: unknown): List<Maybe<string>> | undefined {
  if (isUnknown(value)) return value;
  if (!Array.isArray(value)) return undefined;
  return value.map((v) => str(v)).filter((v): v is Maybe<string> => v !== undefined);
}

/** The `environment[]` entries whose value looks like a secret: name and kind only, the value is dropped here. */
function environmentSecretShapes(environment: unknown): SecretShape[] {
  if (!Array.isArray(environment)) return [];
  return environment.flatMap((e) => {
    const entry = obj(e);
    const kind = secretShape(entry?.value);
    return kind && typeof entry?.name === 'string' ? [{ name: entry.name, kind }] : [];
  });
}

function container(doc: Doc): Container {
  const linux = doc.linuxParameters;
  const capabilities = child(linux, 'capabilities');
  const log = doc.logConfiguration;
  return {
    name: typeof doc.name === 'string' ? doc.name : '(unnamed)',
    image: str(doc.image),
    user: str(doc.user),
    privileged: bool(doc.privileged),
    readonlyRootFilesystem: bool(doc.readonlyRootFilesystem),
    essential: bool(doc.essential),
    interactive: bool(doc.interactive),
    pseudoTerminal: bool(doc.pseudoTerminal),
    memory: num(doc.memory),
    memoryReservation: num(doc.memoryReservation),
    cpu: num(doc.cpu),
    capabilitiesAdd: strings(child(capabilities, 'add')),
    capabilitiesDrop: strings(child(capabilities, 'drop')),
    devices: list(child(linux, 'devices'), (d) => str(d.hostPath) ?? '') as List<Maybe<string>> | undefined,
    tmpfs: list(child(linux, 'tmpfs'), (t) => ({ containerPath: str(t.containerPath), mountOptions: strings(t.mountOptions) })),
    dockerSecurityOptions: strings(doc.dockerSecurityOptions),
    ulimits: list(doc.ulimits, (u) => str(u.name) ?? '') as List<Maybe<string>> | undefined,
    systemControls: list(doc.systemControls, (s) => str(s.namespace) ?? '') as List<Maybe<string>> | undefined,
    healthCheckCommand: strings(child(doc.healthCheck, 'command')),
    logConfiguration: log !== undefined && log !== null,
    logDriver: str(child(log, 'logDriver')),
    logMode: str(child(child(log, 'options'), 'mode')),
    // Names only: values may be secrets and must never reach a report.
    environmentNames: list(doc.environment, (e) => str(e.name) ?? '') as List<Maybe<string>> | undefined,
    environmentSecretShapes: environmentSecretShapes(doc.environment),
    portMappings: list(doc.portMappings, (p) => ({ containerPort: num(p.containerPort), hostPort: num(p.hostPort) })),
    mountPoints: list(doc.mountPoints, (m) => ({ sourceVolume: str(m.sourceVolume), readOnly: bool(m.readOnly) })),
  };
}

function volume(doc: Doc): Volume {
  const host = doc.host;
  const efs = doc.efsVolumeConfiguration;
  return {
    name: str(doc.name) ?? '',
    hostSourcePath: str(child(host, 'sourcePath')),
    efs: efs === undefined || efs === null ? undefined : { transitEncryption: str(child(efs, 'transitEncryption')) },
  };
}

/** A task definition from a DescribeTaskDefinition `taskDefinition`, a register input or camelCased template properties. */
export function taskDefinitionFromDocument(doc: Doc, id: string, origin: Origin): TaskDefinition {
  return {
    id,
    origin,
    family: str(doc.family),
    revision: typeof doc.revision === 'number' ? doc.revision : undefined,
    status: typeof doc.status === 'string' ? doc.status : undefined,
    networkMode: str(doc.networkMode),
    pidMode: str(doc.pidMode),
    ipcMode: str(doc.ipcMode),
    cpu: str(doc.cpu),
    memory: str(doc.memory),
    taskRoleArn: str(doc.taskRoleArn),
    executionRoleArn: str(doc.executionRoleArn),
    volumes: list(doc.volumes, volume),
    containers: list(doc.containerDefinitions, container) ?? [],
    requiresAttributes: Array.isArray(doc.requiresAttributes)
      ? doc.requiresAttributes.map((a) => obj(a)?.name).filter((n): n is string => typeof n === 'string')
      : undefined,
    requiresCompatibilities: strings(doc.requiresCompatibilities),
  };
}

/** `networkConfiguration.awsvpcConfiguration.assignPublicIp` of a service or task set. */
function assignPublicIp(doc: Doc): Maybe<string> | undefined {
  const network = doc.networkConfiguration;
  if (isUnknown(network)) return network;
  // Services spell it AwsvpcConfiguration, CloudFormation task sets AwsVpcConfiguration.
  const awsvpc = obj(network)?.awsvpcConfiguration ?? obj(network)?.awsVpcConfiguration;
  return str(child(awsvpc, 'assignPublicIp'));
}

/** A service from DescribeServices (or camelCased `AWS::ECS::Service` properties, `taskDefinition` resolved by the caller). */
export function serviceFromDocument(doc: Doc, id: string, origin: Origin, taskDefinition?: Maybe<string>): Service {
  return {
    id,
    origin,
    name: str(doc.serviceName),
    taskDefinition: taskDefinition ?? str(doc.taskDefinition),
    assignPublicIp: assignPublicIp(doc),
    enableExecuteCommand: bool(doc.enableExecuteCommand),
    launchType: str(doc.launchType),
    platformVersion: str(doc.platformVersion),
    capacityProviders: list(doc.capacityProviderStrategy, (s) => str(s.capacityProvider) ?? '') as List<Maybe<string>> | undefined,
  };
}

export function taskSetFromDocument(doc: Doc, id: string, origin: Origin): TaskSet {
  return { id, origin, assignPublicIp: assignPublicIp(doc) };
}

/**
 * A cluster from DescribeClusters (`settings`, `configuration`) or `AWS::ECS::Cluster`
 * (`clusterSettings`, `configuration`).
 */
export function clusterFromDocument(doc: Doc, id: string, origin: Origin): Cluster {
  const settings = doc.settings ?? doc.clusterSettings;
  let containerInsights: Maybe<string> | undefined;
  if (isUnknown(settings)) containerInsights = settings;
  else if (Array.isArray(settings)) {
    const setting = settings.map(obj).find((s) => s?.name === 'containerInsights');
    containerInsights = setting ? str(setting.value) : undefined;
  }
  const execConfig = child(doc.configuration, 'executeCommandConfiguration');
  return {
    id,
    origin,
    name: str(doc.clusterName),
    containerInsights,
    executeCommand:
      isUnknown(execConfig) || obj(execConfig) ? { logging: str(child(execConfig, 'logging')), kmsKeyId: str(child(execConfig, 'kmsKeyId')) } : undefined,
  };
}

export function capacityProviderFromDocument(doc: Doc, id: string, origin: Origin): CapacityProvider {
  const asg = obj(doc.autoScalingGroupProvider);
  return {
    id,
    origin,
    name: str(doc.name),
    autoScalingGroup: asg ? { managedTerminationProtection: str(asg.managedTerminationProtection) } : undefined,
  };
}

/** A container instance from DescribeContainerInstances: the attribute names the agent registered. */
export function containerInstanceFromDocument(doc: Doc, cluster: string): ContainerInstance {
  const arn = typeof doc.containerInstanceArn === 'string' ? doc.containerInstanceArn : String(doc.ec2InstanceId ?? 'container-instance');
  const version = obj(doc.versionInfo);
  return {
    id: arn,
    origin: { kind: 'ecs-api', arn },
    cluster,
    ec2InstanceId: typeof doc.ec2InstanceId === 'string' ? doc.ec2InstanceId : undefined,
    attributes: (Array.isArray(doc.attributes) ? doc.attributes : []).map((a) => obj(a)?.name).filter((n): n is string => typeof n === 'string' && n !== ''),
    agentVersion: typeof version?.agentVersion === 'string' ? version.agentVersion : undefined,
    dockerVersion: typeof version?.dockerVersion === 'string' ? version.dockerVersion : undefined,
  };
}
