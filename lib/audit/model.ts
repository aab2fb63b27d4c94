/**
 * The normalized model that every audit rule reads.
 *
 * Three sources feed it: synthesized CloudFormation (PascalCase, with intrinsics), ECS API task
 * definition documents (camelCase, from a file) and live ECS API calls. Each source maps its input
 * into these types, so a rule is written once and runs on all of them.
 *
 * Values a template cannot know at synth time (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, ...) are
 * kept as {@link Unknown}, never guessed: an unresolved `User` is not "root" and an unresolved
 * `Image` is not "latest" (catalog §2.7). Rules skip unknown values; the docs say so per rule.
 *
 * Environment variable *values* never enter the model (they may be secrets and reports must never
 * print them); containers carry only the variable names, and for a value shaped like a secret (an
 * access key id, a JWT, a private key: ./sources/secret-shapes.ts) the kind of secret, never the value.
 *
 * A `Ref` to a template parameter that has a `Default` reads as the default (a stack deployed
 * without overriding it uses it, and checkov reads templates the same way); the resource's
 * `origin.parameterDefaults` names those parameters so findings can say so (docs/audit-rules.md
 * "How values that are not known are treated").
 */

/** Severity scale of the catalog: Critical > High > Medium > Low > Info. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Highest first, the order reports use. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** A number that orders severities: critical is 4, info is 0. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

/** A value that CloudFormation resolves only at deploy time; `expression` is the intrinsic as written. */
export interface Unknown {
  readonly unknown: true;
  readonly expression: unknown;
}

/** A scalar that is either known or unknown. Absent values are `undefined`, which is not the same as unknown. */
export type Maybe<T> = T | Unknown;

/** A list that is either known or, when the whole list is an intrinsic (`Fn::If`, `Ref` to a list), unknown. */
export type List<T> = readonly T[] | Unknown;

export function unknownValue(expression: unknown): Unknown {
  return { unknown: true, expression };
}

export function isUnknown(value: unknown): value is Unknown {
  return typeof value === 'object' && value !== null && (value as Unknown).unknown === true && 'expression' in value;
}

/** Where a resource came from, for report locations (SARIF, markdown) and for acknowledgements. */
export interface Origin {
  readonly kind: 'cloudformation' | 'task-definition-file' | 'ecs-api' | 'dockerfile';
  /** File the resource was read from (template, task definition JSON, Dockerfile). */
  readonly file?: string;
  /** 1-based line of the resource in `file`, when known. */
  readonly line?: number;
  /** CloudFormation: the stack (artifact id) and logical id. */
  readonly stack?: string;
  readonly logicalId?: string;
  /** Live: the resource ARN. */
  readonly arn?: string;
  /** CloudFormation: parameters whose `Default` was read in place of a `Ref` in this resource. */
  readonly parameterDefaults?: readonly string[];
}

interface Resource {
  /** The resource as reports name it: `Stack/LogicalId` for templates, the ARN live, the path for files. */
  readonly id: string;
  readonly origin: Origin;
}

export interface Volume {
  readonly name: Maybe<string>;
  /** `host.sourcePath`; undefined for Docker-managed and scratch volumes. */
  readonly hostSourcePath?: Maybe<string>;
  /** Present for EFS volumes. */
  readonly efs?: { readonly transitEncryption?: Maybe<string> };
}

export interface PortMapping {
  readonly containerPort?: Maybe<number>;
  readonly hostPort?: Maybe<number>;
}

export interface MountPoint {
  readonly sourceVolume?: Maybe<string>;
  readonly readOnly?: Maybe<boolean>;
}

export interface Tmpfs {
  readonly containerPath?: Maybe<string>;
  readonly mountOptions?: List<Maybe<string>>;
}

export interface Container {
  readonly name: string;
  readonly image?: Maybe<string>;
  readonly user?: Maybe<string>;
  readonly privileged?: Maybe<boolean>;
  readonly readonlyRootFilesystem?: Maybe<boolean>;
  readonly essential?: Maybe<boolean>;
  readonly interactive?: Maybe<boolean>;
  readonly pseudoTerminal?: Maybe<boolean>;
  /** Hard limit, MiB. */
  readonly memory?: Maybe<number>;
  readonly memoryReservation?: Maybe<number>;
  /** CPU shares. */
  readonly cpu?: Maybe<number>;
  readonly capabilitiesAdd?: List<Maybe<string>>;
  readonly capabilitiesDrop?: List<Maybe<string>>;
  /** Host paths of `linuxParameters.devices`. */
  readonly devices?: List<Maybe<string>>;
  readonly tmpfs?: List<Tmpfs>;
  readonly dockerSecurityOptions?: List<Maybe<string>>;
  /** Names of `ulimits[]`. */
  readonly ulimits?: List<Maybe<string>>;
  /** Namespaces of `systemControls[]`. */
  readonly systemControls?: List<Maybe<string>>;
  readonly healthCheckCommand?: List<Maybe<string>>;
  /** Whether `logConfiguration` is present at all, and its driver. */
  readonly logConfiguration: boolean;
  readonly logDriver?: Maybe<string>;
  /** `logConfiguration.options.mode`: `blocking` (Docker's default when unset) or `non-blocking`. */
  readonly logMode?: Maybe<string>;
  /** Names of `environment[]`; values are deliberately dropped. */
  readonly environmentNames?: List<Maybe<string>>;
  /** `environment[]` entries whose value has the shape of a secret: the name and the kind, never the value. */
  readonly environmentSecretShapes?: readonly SecretShape[];
  readonly portMappings?: List<PortMapping>;
  readonly mountPoints?: List<MountPoint>;
}

/** A variable whose value looks like a secret of a known kind (the value itself is not kept). */
export interface SecretShape {
  readonly name: string;
  /** What the value looks like: "an AWS access key id", "a JSON Web Token", "a private key". */
  readonly kind: string;
}

export interface TaskDefinition extends Resource {
  readonly family?: Maybe<string>;
  readonly revision?: number;
  readonly status?: string;
  readonly networkMode?: Maybe<string>;
  readonly pidMode?: Maybe<string>;
  readonly ipcMode?: Maybe<string>;
  /** Task-level CPU units and memory MiB (strings in both CloudFormation and the API). */
  readonly cpu?: Maybe<string>;
  readonly memory?: Maybe<string>;
  readonly taskRoleArn?: Maybe<string>;
  readonly executionRoleArn?: Maybe<string>;
  readonly volumes?: List<Volume>;
  readonly containers: List<Container>;
  /** Names of `requiresAttributes[]` (live only). */
  readonly requiresAttributes?: readonly string[];
  /** `requiresCompatibilities` (FARGATE, EC2, EXTERNAL). */
  readonly requiresCompatibilities?: List<Maybe<string>>;
}

export interface Service extends Resource {
  readonly name?: Maybe<string>;
  /** The task definition the service runs: an ARN live, `Stack/LogicalId` in a template. */
  readonly taskDefinition?: Maybe<string>;
  readonly assignPublicIp?: Maybe<string>;
  readonly enableExecuteCommand?: Maybe<boolean>;
  /** `launchType`: FARGATE, EC2, EXTERNAL; undefined when a capacity provider strategy decides. */
  readonly launchType?: Maybe<string>;
  /** `platformVersion` as written (undefined means LATEST for Fargate). */
  readonly platformVersion?: Maybe<string>;
  /** The capacity providers of `capacityProviderStrategy`. */
  readonly capacityProviders?: List<Maybe<string>>;
}

export interface TaskSet extends Resource {
  readonly assignPublicIp?: Maybe<string>;
}

export interface Cluster extends Resource {
  readonly name?: Maybe<string>;
  /** `settings[name=containerInsights].value`; undefined when the setting is absent. */
  readonly containerInsights?: Maybe<string>;
  readonly executeCommand?: { readonly logging?: Maybe<string>; readonly kmsKeyId?: Maybe<string> };
}

export interface CapacityProvider extends Resource {
  readonly name?: Maybe<string>;
  /** Undefined for Fargate providers (no Auto Scaling group). */
  readonly autoScalingGroup?: { readonly managedTerminationProtection?: Maybe<string> };
}

export interface ContainerInstance extends Resource {
  readonly cluster?: string;
  readonly ec2InstanceId?: string;
  /** Attribute names the agent registered (capabilities have no value). */
  readonly attributes: readonly string[];
  readonly agentVersion?: string;
  readonly dockerVersion?: string;
}

export interface BlockDevice {
  readonly deviceName?: Maybe<string>;
  /** False for instance-store (`VirtualName`) and `NoDevice` entries. */
  readonly ebs: boolean;
  readonly encrypted?: Maybe<boolean>;
}

/** Something that launches EC2 instances: a launch template, a launch configuration or an instance. */
export interface Host extends Resource {
  readonly kind: 'LaunchTemplate' | 'LaunchConfiguration' | 'Instance';
  /** True when it launches ECS container instances (user data joins a cluster, or a capacity provider uses it). */
  readonly ecs: boolean;
  /** An instance launched from a launch template inherits IMDS settings from it. */
  readonly usesLaunchTemplate?: boolean;
  readonly httpTokens?: Maybe<string>;
  /** `MetadataOptions.HttpEndpoint`: `disabled` turns IMDS off altogether. */
  readonly httpEndpoint?: Maybe<string>;
  readonly hopLimit?: Maybe<number>;
  readonly blockDevices: List<BlockDevice>;
  /** True if any network interface (or the launch configuration) asks for a public IP. */
  readonly associatePublicIp?: Maybe<boolean>;
  readonly monitoring?: Maybe<boolean>;
  /**
   * Bottlerocket hosts: the `settings` table of their TOML user data (./sources/bottlerocket-user-data.ts).
   * Undefined for every other host, whose user data is a script.
   */
  readonly bottlerocket?: Readonly<Record<string, unknown>>;
  /** Decoded user data; intrinsics inside it are rendered as `${...}` placeholders. */
  readonly userData?: Maybe<string>;
  /**
   * The `ECS_*` agent settings the user data gives the host (lib/cfn/agent-settings.ts, the reader
   * the local runner uses too). Undefined when the user data is unknown or absent.
   */
  readonly agentSettings?: Readonly<Record<string, string>>;
  readonly imageId?: Maybe<string>;
  /** The SSM parameter the AMI is resolved from, when `ImageId` refers to one. */
  readonly imageSsmParameter?: string;
}

export interface IngressRule {
  /** The resource that declares the rule: the group itself, or an `AWS::EC2::SecurityGroupIngress`. */
  readonly declaredIn: { readonly id: string; readonly origin: Origin };
  readonly cidrIp?: Maybe<string>;
  readonly cidrIpv6?: Maybe<string>;
  /** The source range is the whole address space of its family (parsed, so `0000:…:0000/0` counts as `::/0`). */
  readonly fromAnywhere?: 'IPv4' | 'IPv6';
  readonly description?: Maybe<string>;
  readonly ipProtocol?: Maybe<string>;
  readonly fromPort?: Maybe<number>;
  readonly toPort?: Maybe<number>;
}

export interface SecurityGroup extends Resource {
  readonly description?: Maybe<string>;
  readonly ingress: readonly IngressRule[];
  /** Egress rules: only whether each has a description (EC2-SG-02). */
  readonly egress: readonly Pick<IngressRule, 'declaredIn' | 'description'>[];
}

/**
 * A listener is judged on its own: its load balancer may be in the template, or be a parameter, an
 * imported value or a literal ARN (docs/audit-rules.md "Peer checks").
 */
export interface Listener extends Resource {
  /** The load balancer's id when it is in the model. */
  readonly loadBalancer?: string;
  readonly protocol?: Maybe<string>;
  readonly port?: Maybe<number>;
  readonly sslPolicy?: Maybe<string>;
  /** The default action redirects to HTTPS; unknown when the actions are conditional (`Fn::If`). */
  readonly redirectsToHttps: Maybe<boolean>;
}

export interface LoadBalancer extends Resource {
  readonly type?: Maybe<string>;
  /** `LoadBalancerAttributes` by key. */
  readonly attributes: Readonly<Record<string, Maybe<string>>>;
}

export interface Bucket extends Resource {
  readonly accessLogging: boolean;
  /** Another bucket in the model sends its access logs here. */
  readonly isAccessLogTarget: boolean;
  /** Unknown when the whole configuration is an intrinsic. */
  readonly publicAccessBlock?: Maybe<Readonly<Record<string, Maybe<boolean>>>>;
  readonly deniesInsecureTransport: boolean;
  /** `BucketEncryption` rules' algorithms (`AES256`, `aws:kms`, `aws:kms:dsse`); undefined when absent. */
  readonly encryption?: List<Maybe<string>>;
  /** `VersioningConfiguration.Status`. */
  readonly versioning?: Maybe<string>;
}

export interface LogGroup extends Resource {
  readonly retentionInDays?: Maybe<number>;
  readonly kmsKeyId?: Maybe<string>;
}

export interface PolicyStatement {
  readonly effect?: Maybe<string>;
  readonly actions: readonly Maybe<string>[];
  readonly resources: readonly Maybe<string>[];
  /** Every principal value (`AWS`, `Service`, `Federated`, `CanonicalUser`); `"Principal": "*"` is `*`. */
  readonly principals: readonly Maybe<string>[];
  /** The statement has a `Condition` (which may narrow a broad principal). */
  readonly conditional: boolean;
}

export interface IamRole extends Resource {
  readonly managedPolicyArns: readonly Maybe<string>[];
  /** `AssumeRolePolicyDocument` statements: who may assume the role. */
  readonly trustStatements: readonly PolicyStatement[];
}

/** A permissions policy: inline on a role, user or group, an `AWS::IAM::Policy` or a customer managed policy. */
export interface IamPolicy extends Resource {
  readonly statements: readonly PolicyStatement[];
}

export interface KmsKey extends Resource {
  readonly enableKeyRotation?: Maybe<boolean>;
  readonly keySpec?: Maybe<string>;
  /** `KeyPolicy` statements. */
  readonly policyStatements: readonly PolicyStatement[];
}

export interface EcrRepository extends Resource {
  readonly scanOnPush?: Maybe<boolean>;
  readonly tagMutability?: Maybe<string>;
  readonly encryptionType?: Maybe<string>;
  readonly hasLifecyclePolicy: boolean;
}

/**
 * The ECR registry of one account and region, as the live account audit reads it: how it treats the
 * repository the CDK publishes image assets to. Repository filters are matched here, by the source,
 * as ECR matches them (wildcards); a rule only reads the outcome.
 */
export interface Registry extends Resource {
  /** The CDK assets repository the audit looked for (`cdk-<qualifier>-container-assets-<account>-<region>`). */
  readonly assetsRepository: string;
  /** A managed-signing rule matches the assets repository. */
  readonly signsAssetsRepository: boolean;
  /** `BASIC` or `ENHANCED`; undefined when ECR did not say. */
  readonly scanType?: string;
  /** With ENHANCED: the frequency of the rule that matches the assets repository (`CONTINUOUS_SCAN`, `SCAN_ON_PUSH`), undefined when none matches. */
  readonly assetsRepositoryScanFrequency?: string;
}

/** GuardDuty in one account and region: Runtime Monitoring and which EC2 instances its agent covers. */
export interface RuntimeMonitoring extends Resource {
  /** Undefined when the region has no detector. */
  readonly detectorId?: string;
  /** The detector is ENABLED and its RUNTIME_MONITORING feature too. */
  readonly enabled: boolean;
  /** EC2_AGENT_MANAGEMENT is ENABLED (GuardDuty installs the agent). */
  readonly ec2AgentManagement: boolean;
  /** EC2 instances in the coverage list, by instance id: HEALTHY or UNHEALTHY, and GuardDuty's issue text. */
  readonly coverage: Readonly<Record<string, { readonly status: string; readonly issue?: string }>>;
}

/** A standalone EBS volume (`AWS::EC2::Volume`). */
export interface EbsVolume extends Resource {
  readonly encrypted?: Maybe<boolean>;
}

export interface Secret extends Resource {
  /** `KmsKeyId`; undefined means the AWS managed key aws/secretsmanager. */
  readonly kmsKeyId?: Maybe<string>;
}

/** An RDS DB instance (`AWS::RDS::DBInstance`), with the parameters of its parameter group when the template holds it. */
export interface DbInstance extends Resource {
  readonly engine?: Maybe<string>;
  readonly storageEncrypted?: Maybe<boolean>;
  readonly publiclyAccessible?: Maybe<boolean>;
  readonly backupRetentionPeriod?: Maybe<number>;
  readonly deletionProtection?: Maybe<boolean>;
  readonly iamAuthentication?: Maybe<boolean>;
  /** `ManageMasterUserPassword`: RDS keeps the master password in Secrets Manager. */
  readonly manageMasterUserPassword?: Maybe<boolean>;
  /**
   * How `MasterUserPassword` is given: absent, a `{{resolve:secretsmanager:…}}` dynamic reference,
   * a literal in the template, or an intrinsic (a parameter, a join).
   */
  readonly masterUserPassword: 'absent' | 'secretsmanager' | 'literal' | 'intrinsic';
  readonly cloudwatchLogsExports?: List<Maybe<string>>;
  readonly autoMinorVersionUpgrade?: Maybe<boolean>;
  readonly multiAz?: Maybe<boolean>;
  /** The DB instance belongs to a cluster (Aurora): storage, backups and more are the cluster's. */
  readonly inCluster: boolean;
  /**
   * The parameter group's `Parameters`: undefined for the engine's default group (no
   * DBParameterGroupName), unknown for a group the template does not define.
   */
  readonly parameters?: Maybe<Readonly<Record<string, Maybe<string>>>>;
}

export interface Vpc extends Resource {
  readonly hasFlowLog: boolean;
}

export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, USER, ... */
  readonly keyword: string;
  /** The arguments as written (line continuations joined). */
  readonly args: string;
  /** 1-based line. */
  readonly line: number;
  /**
   * ENV/ARG: the variables set; `hasLiteral` is false when there is no value or only a `$VAR`
   * reference. `secretShape` is the kind of secret the value looks like; the value is not kept.
   */
  readonly variables?: readonly { readonly name: string; readonly hasLiteral: boolean; readonly secretShape?: string }[];
  /** FROM: the image reference. */
  readonly from?: { readonly image: string; readonly tag?: string; readonly digest?: string; readonly stage?: string };
}

export interface Dockerfile extends Resource {
  readonly instructions: readonly DockerInstruction[];
}

export interface AuditModel {
  readonly taskDefinitions: TaskDefinition[];
  readonly services: Service[];
  readonly taskSets: TaskSet[];
  readonly clusters: Cluster[];
  readonly capacityProviders: CapacityProvider[];
  readonly containerInstances: ContainerInstance[];
  readonly hosts: Host[];
  readonly securityGroups: SecurityGroup[];
  readonly loadBalancers: LoadBalancer[];
  readonly listeners: Listener[];
  readonly buckets: Bucket[];
  readonly logGroups: LogGroup[];
  readonly iamRoles: IamRole[];
  readonly iamPolicies: IamPolicy[];
  readonly kmsKeys: KmsKey[];
  readonly vpcs: Vpc[];
  readonly ecrRepositories: EcrRepository[];
  /** Live: the CDK assets repository (the bootstrap's), read with `--account`. */
  readonly assetsRepositories: EcrRepository[];
  readonly registries: Registry[];
  readonly runtimeMonitoring: RuntimeMonitoring[];
  readonly ebsVolumes: EbsVolume[];
  readonly secrets: Secret[];
  readonly dbInstances: DbInstance[];
  readonly dockerfiles: Dockerfile[];
}

export function emptyModel(): AuditModel {
  return {
    taskDefinitions: [],
    services: [],
    taskSets: [],
    clusters: [],
    capacityProviders: [],
    containerInstances: [],
    hosts: [],
    securityGroups: [],
    loadBalancers: [],
    listeners: [],
    buckets: [],
    logGroups: [],
    iamRoles: [],
    iamPolicies: [],
    kmsKeys: [],
    vpcs: [],
    ecrRepositories: [],
    assetsRepositories: [],
    registries: [],
    runtimeMonitoring: [],
    ebsVolumes: [],
    secrets: [],
    dbInstances: [],
    dockerfiles: [],
  };
}

/** One model holding everything the given models hold (one audit over several inputs). */
export function mergeModels(...models: AuditModel[]): AuditModel {
  const merged = emptyModel();
  for (const model of models) {
    for (const key of Object.keys(merged) as (keyof AuditModel)[]) {
      (merged[key] as unknown[]).push(...(model[key] as unknown[]));
    }
  }
  return merged;
}
