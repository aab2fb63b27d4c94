/**
 * Service, cluster, capacity provider, agent/host, EC2, edge, storage, IAM and Dockerfile rules:
 * compliant, non-compliant and not applicable, from a CloudFormation template and, where the ECS
 * API shows the setting, from an ECS API document (DescribeServices, DescribeClusters,
 * DescribeCapacityProviders, DescribeContainerInstances). Dockerfile rules read Dockerfile text.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AuditModel } from '../../lib/audit/model';
import { RULES } from '../../lib/audit/rules';
import { apiModel, apiTaskDefinition, dockerfile, emptyModel, hardenedTask, mergeModels, templateModel } from './helpers/models';

type Doc = Record<string, any>;
interface Cases {
  readonly compliant: [string, () => AuditModel][];
  readonly nonCompliant: [string, () => AuditModel][];
  readonly notApplicable: [string, () => AuditModel][];
}

const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:111122223333:cluster/web';

// ---- templates -------------------------------------------------------------------------------
const service = (props: Doc) => templateModel({ Svc: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' }, ...props } } });
const awsvpc = (assign: string) => ({ NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: assign, Subnets: ['subnet-1'] } } });
const cluster = (props: Doc) => templateModel({ Cluster: { Type: 'AWS::ECS::Cluster', Properties: props } });
const capacityProvider = (protection?: string) =>
  templateModel({
    Cp: {
      Type: 'AWS::ECS::CapacityProvider',
      Properties: { AutoScalingGroupProvider: { AutoScalingGroupArn: { Ref: 'Asg' }, ...(protection ? { ManagedTerminationProtection: protection } : {}) } },
    },
  });

/** The repository's real hardening script, as lib/host/al2023-user-data.ts renders it. */
const HARDENED_USER_DATA = `#!/bin/bash\nexport ECS_CLUSTER_NAME='web'\n${readFileSync(path.join(__dirname, '..', '..', 'lib', 'host', 'instance-user-data.sh'), 'utf8')}`;
const MINIMAL_USER_DATA = '#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\n';

/** User data as CDK renders it: Fn::Base64 of Fn::Join, the cluster name a Ref. */
function userDataProperty(text: string): Doc {
  const marker = "ECS_CLUSTER_NAME='web'";
  const at = text.indexOf(marker);
  const parts = at < 0 ? [text] : [`${text.slice(0, at)}ECS_CLUSTER_NAME='`, { Ref: 'Cluster' }, text.slice(at + marker.length - 1)];
  return { 'Fn::Base64': { 'Fn::Join': ['', parts] } };
}

function launchTemplate(userData: string | undefined, data: Doc = {}, parameters: Doc = {}): AuditModel {
  return templateModel(
    {
      Lt: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: {
          LaunchTemplateData: {
            ImageId: { Ref: 'Ami' },
            MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
            BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 30 } }],
            NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }],
            Monitoring: { Enabled: true },
            ...(userData !== undefined ? { UserData: userDataProperty(userData) } : {}),
            ...data,
          },
        },
      },
      Asg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' }, MinSize: '1', MaxSize: '2' },
      },
      Cp: {
        Type: 'AWS::ECS::CapacityProvider',
        Properties: { AutoScalingGroupProvider: { AutoScalingGroupArn: { Ref: 'Asg' }, ManagedTerminationProtection: 'ENABLED' } },
      },
    },
    {
      Ami: { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id' },
      ...parameters,
    },
  );
}
const withUserData = (extra: string) => () => launchTemplate(`${HARDENED_USER_DATA}\n${extra}\n`);
const instance = (attributes: string[], agentVersion = '1.90.0', id = 'i-1') => ({
  containerInstanceArn: `arn:aws:ecs:eu-west-1:111122223333:container-instance/web/${id}`,
  ec2InstanceId: id,
  attributes: attributes.map((name) => ({ name })),
  versionInfo: { agentVersion, dockerVersion: '25.0.8' },
});
const GOOD_ATTRIBUTES = [
  'ecs.capability.task-eni',
  'ecs.capability.task-eni-block-instance-metadata',
  'com.amazonaws.ecs.capability.task-iam-role',
  'ecs.capability.secrets.asm.environment-variables',
];
const instances =
  (...docs: Doc[]) =>
  () =>
    apiModel({ containerInstances: docs });
const securityGroup = (ingress: Doc[]) =>
  templateModel({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'test', SecurityGroupIngress: ingress } } });
const alb = (attributes: Doc, listeners: Doc[] = []) =>
  templateModel({
    Lb: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: { LoadBalancerAttributes: Object.entries(attributes).map(([Key, Value]) => ({ Key, Value })) },
    },
    ...Object.fromEntries(
      listeners.map((l, i) => [`L${i}`, { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, ...l } }]),
    ),
  });
const ALB_GOOD = { 'access_logs.s3.enabled': 'true', 'routing.http.drop_invalid_header_fields.enabled': 'true' };
const bucket = (props: Doc, policy?: Doc[]) =>
  templateModel({
    B: { Type: 'AWS::S3::Bucket', Properties: props },
    ...(policy ? { P: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'B' }, PolicyDocument: { Statement: policy } } } } : {}),
  });
const ALL_BLOCKED = { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } };
const DENY_HTTP = [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }];
const policy = (statement: Doc) =>
  templateModel({ P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: { Statement: [statement] }, Roles: [{ Ref: 'R' }] } } });
const taskWith = (mutate: (c: Doc) => void) => {
  const td = hardenedTask();
  mutate(td.containerDefinitions[0]);
  return apiTaskDefinition(td);
};

const GOOD_DOCKERFILE = readFileSync(path.join(__dirname, 'fixtures', 'Dockerfile.hardened'), 'utf8');
const df = (text: string) => () => dockerfile(text);
const onlyTemplate: [string, () => AuditModel][] = [
  ['no such resource', () => templateModel({ T: { Type: 'AWS::SNS::Topic' } })],
  ['empty model', emptyModel],
];
/** Rules the ECS API cannot show (catalog "Live: –"): only container instances means not applicable. */
const hostOnlyNa = (): [string, () => AuditModel][] => [
  ...hostNa,
  ['API: container instances only (not visible through ECS)', instances(instance(GOOD_ATTRIBUTES))],
];
const hostNa: [string, () => AuditModel][] = [
  [
    'no ECS host',
    () => templateModel({ Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } } } } }),
  ],
  ['empty model', emptyModel],
];
const dfNa: [string, () => AuditModel][] = [['no Dockerfile', () => apiTaskDefinition(hardenedTask())]];

const repository = (props: Doc) => templateModel({ Repo: { Type: 'AWS::ECR::Repository', Properties: props } });
const GOOD_REPOSITORY = {
  ImageScanningConfiguration: { ScanOnPush: true },
  ImageTagMutability: 'IMMUTABLE',
  EncryptionConfiguration: { EncryptionType: 'KMS' },
  LifecyclePolicy: { LifecyclePolicyText: '{"rules":[]}' },
};
const role = (trust: Doc) =>
  templateModel({
    R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...trust }] } } },
  });
const key = (statement: Doc) => templateModel({ K: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: [statement] } } } });
const fargateService = (props: Doc) => service({ LaunchType: 'FARGATE', ...props });

const CASES: Record<string, Cases> = {
  'SVC-NET-01': {
    compliant: [
      ['template: DISABLED', () => service(awsvpc('DISABLED'))],
      [
        'API: DISABLED',
        () => apiModel({ services: [{ serviceArn: 'arn:svc/a', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED' } } }] }),
      ],
    ],
    nonCompliant: [
      ['template: ENABLED', () => service(awsvpc('ENABLED'))],
      [
        'API: ENABLED',
        () => apiModel({ services: [{ serviceArn: 'arn:svc/a', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } } }] }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'SVC-EXEC-01': {
    compliant: [
      ['template: off', () => service({ EnableExecuteCommand: false })],
      ['API: off', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', enableExecuteCommand: false }] })],
    ],
    nonCompliant: [
      ['template: on', () => service({ EnableExecuteCommand: true })],
      ['template: "true"', () => service({ EnableExecuteCommand: 'true' })],
      ['API: on', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', enableExecuteCommand: true }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'TS-NET-01': {
    compliant: [
      [
        'template: DISABLED',
        () =>
          templateModel({ Ts: { Type: 'AWS::ECS::TaskSet', Properties: { NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'DISABLED' } } } } }),
      ],
      [
        'API: DISABLED',
        () => apiModel({ taskSets: [{ taskSetArn: 'arn:ts/1', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED' } } }] }),
      ],
    ],
    nonCompliant: [
      [
        'template: ENABLED',
        () =>
          templateModel({ Ts: { Type: 'AWS::ECS::TaskSet', Properties: { NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'ENABLED' } } } } }),
      ],
      [
        'API: ENABLED',
        () => apiModel({ taskSets: [{ taskSetArn: 'arn:ts/1', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } } }] }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'CL-CI-01': {
    compliant: [
      ['template: enabled', () => cluster({ ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] })],
      ['API: enhanced', () => apiModel({ clusters: [{ clusterArn: CLUSTER_ARN, settings: [{ name: 'containerInsights', value: 'enhanced' }] }] })],
    ],
    nonCompliant: [
      ['template: no settings', () => cluster({})],
      ['API: disabled', () => apiModel({ clusters: [{ clusterArn: CLUSTER_ARN, settings: [{ name: 'containerInsights', value: 'disabled' }] }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'CL-EXEC-01': {
    compliant: [
      ['template: KMS + logging', () => cluster({ Configuration: { ExecuteCommandConfiguration: { KmsKeyId: { Ref: 'Key' }, Logging: 'DEFAULT' } } })],
      [
        'API: KMS + logging',
        () =>
          apiModel({ clusters: [{ clusterArn: CLUSTER_ARN, configuration: { executeCommandConfiguration: { kmsKeyId: 'arn:key', logging: 'OVERRIDE' } } }] }),
      ],
    ],
    nonCompliant: [
      ['template: logging NONE', () => cluster({ Configuration: { ExecuteCommandConfiguration: { KmsKeyId: 'k', Logging: 'NONE' } } })],
      ['API: no configuration', () => apiModel({ clusters: [{ clusterArn: CLUSTER_ARN }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'CP-TERM-01': {
    compliant: [
      ['template: ENABLED', () => capacityProvider('ENABLED')],
      [
        'API: ENABLED',
        () => apiModel({ capacityProviders: [{ capacityProviderArn: 'arn:cp', autoScalingGroupProvider: { managedTerminationProtection: 'ENABLED' } }] }),
      ],
    ],
    nonCompliant: [
      ['template: absent', () => capacityProvider()],
      [
        'API: DISABLED',
        () => apiModel({ capacityProviders: [{ capacityProviderArn: 'arn:cp', autoScalingGroupProvider: { managedTerminationProtection: 'DISABLED' } }] }),
      ],
    ],
    notApplicable: [...onlyTemplate, ['API: a Fargate provider', () => apiModel({ capacityProviders: [{ capacityProviderArn: 'arn:cp', name: 'FARGATE' }] })]],
  },
  'AG-PRIV-01': {
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: no privileged capability', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: only a comment names it', () => launchTemplate(`${MINIMAL_USER_DATA}# ECS_DISABLE_PRIVILEGED=true\n`)],
      ['API: privileged-container registered', instances(instance([...GOOD_ATTRIBUTES, 'com.amazonaws.ecs.capability.privileged-container']))],
    ],
    notApplicable: hostNa,
  },
  'AG-IMDS-01': {
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: block attribute', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)],
      ['API: block attribute missing', instances(instance(['ecs.capability.task-eni']))],
    ],
    notApplicable: hostNa,
  },
  'AG-IMDS-02': {
    compliant: [
      [
        'template: hardened user data, hop 2',
        () => launchTemplate(HARDENED_USER_DATA, { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } }),
      ],
      [
        'template: FORWARD on docker+',
        () =>
          launchTemplate(`${MINIMAL_USER_DATA}iptables --insert FORWARD 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP\n`, {
            MetadataOptions: { HttpTokens: 'required' },
          }),
      ],
      ['template: no rule but hop limit 1', () => launchTemplate(MINIMAL_USER_DATA)],
    ],
    nonCompliant: [
      ['template: no rule, hop limit 2', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } })],
    ],
    notApplicable: [...hostNa, ['API only (not visible through ECS)', instances(instance(GOOD_ATTRIBUTES))]],
  },
  'AG-IMDS-03': {
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: no host-network attribute', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: network host creds on', () => launchTemplate(`${MINIMAL_USER_DATA}echo ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true >> /etc/ecs/ecs.config\n`)],
      ['API: attribute registered', instances(instance([...GOOD_ATTRIBUTES, 'com.amazonaws.ecs.capability.task-iam-role-network-host']))],
    ],
    notApplicable: hostNa,
  },
  'AG-ROLE-01': {
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: task-iam-role registered', instances(instance(GOOD_ATTRIBUTES))],
    ],
    nonCompliant: [
      ['template: disabled', () => launchTemplate(`${MINIMAL_USER_DATA}echo ECS_ENABLE_TASK_IAM_ROLE=false >> /etc/ecs/ecs.config\n`)],
      ['API: missing', instances(instance(['ecs.capability.task-eni']))],
    ],
    notApplicable: hostNa,
  },
  'AG-AUTH-01': {
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [
      ['template: auth data', () => launchTemplate(`${MINIMAL_USER_DATA}echo 'ECS_ENGINE_AUTH_DATA={"r":{"auth":"x"}}' >> /etc/ecs/ecs.config\n`)],
    ],
    notApplicable: hostOnlyNa(),
  },
  'AG-PIDS-01': {
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)]],
    notApplicable: hostOnlyNa(),
  },
  'AG-INTRO-01': {
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [
      ['template: off-host introspection', withUserData('echo ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS=true >> /etc/ecs/ecs.config')],
      ['template: skip filter', withUserData('echo ECS_SKIP_LOCALHOST_TRAFFIC_FILTER=true >> /etc/ecs/ecs.config')],
    ],
    notApplicable: hostOnlyNa(),
  },
  'AG-MAC-01': {
    compliant: [
      ['template: no MAC options', () => mergeModels(launchTemplate(HARDENED_USER_DATA), apiTaskDefinition(hardenedTask()))],
      [
        'template: SELinux capable',
        () =>
          mergeModels(
            launchTemplate(`${MINIMAL_USER_DATA}echo ECS_SELINUX_CAPABLE=true >> /etc/ecs/ecs.config\n`),
            taskWith((c) => c.dockerSecurityOptions.push('label:type:container_t')),
          ),
      ],
      [
        'API: selinux attribute',
        () =>
          mergeModels(
            instances(instance([...GOOD_ATTRIBUTES, 'com.amazonaws.ecs.capability.selinux']))(),
            taskWith((c) => c.dockerSecurityOptions.push('label:type:container_t')),
          ),
      ],
    ],
    nonCompliant: [
      [
        'template: label option, agent not capable',
        () =>
          mergeModels(
            launchTemplate(HARDENED_USER_DATA),
            taskWith((c) => c.dockerSecurityOptions.push('label:type:container_t')),
          ),
      ],
      [
        'API: apparmor option, no attribute',
        () =>
          mergeModels(
            instances(instance(GOOD_ATTRIBUTES))(),
            taskWith((c) => c.dockerSecurityOptions.push('apparmor:docker-default')),
          ),
      ],
    ],
    notApplicable: [
      ['no hosts', () => apiTaskDefinition(hardenedTask())],
      ['no task definitions', () => launchTemplate(HARDENED_USER_DATA)],
    ],
  },
  'HD-AUD-01': {
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [
      ['template: no audit rules', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: some paths', () => launchTemplate(`${MINIMAL_USER_DATA}echo '-w /usr/bin/dockerd -k docker' > /etc/audit/rules.d/docker.rules\n`)],
    ],
    notApplicable: hostOnlyNa(),
  },
  'HD-DMN-01': {
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['template: no daemon.json', () => launchTemplate(MINIMAL_USER_DATA)],
    ],
    nonCompliant: [
      ['template: insecure registry', withUserData(`echo '{"insecure-registries": ["r:5000"]}' > /etc/docker/daemon.json`)],
      ['template: tcp without TLS', withUserData(`echo '{"hosts": ["tcp://0.0.0.0:2375"]}' > /etc/docker/daemon.json`)],
    ],
    notApplicable: hostOnlyNa(),
  },
  'HD-DMN-02': {
    compliant: [['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)]],
    nonCompliant: [['template: minimal user data', () => launchTemplate(MINIMAL_USER_DATA)]],
    notApplicable: hostOnlyNa(),
  },
  'BR-PRIV-01': {
    compliant: [
      ['template: Bottlerocket, privileged refused', () => launchTemplate('[settings.ecs]\ncluster = "c"\nallow-privileged-containers = false\n')],
      ['template: Bottlerocket, unset (variant default false)', () => launchTemplate('[settings.ecs]\ncluster = "c"\n')],
    ],
    nonCompliant: [['template: Bottlerocket, privileged allowed', () => launchTemplate('[settings.ecs]\ncluster = "c"\nallow-privileged-containers = true\n')]],
    notApplicable: [...hostOnlyNa(), ['template: AL2023 script host', () => launchTemplate(HARDENED_USER_DATA)]],
  },
  'BR-ADMIN-01': {
    compliant: [
      ['template: Bottlerocket, admin off', () => launchTemplate('[settings.ecs]\ncluster = "c"\n[settings.host-containers.admin]\nenabled = false\n')],
    ],
    nonCompliant: [
      ['template: Bottlerocket, admin on', () => launchTemplate('[settings.ecs]\ncluster = "c"\n[settings.host-containers.admin]\nenabled = true\n')],
    ],
    notApplicable: [...hostOnlyNa(), ['template: AL2023 script host', () => launchTemplate(HARDENED_USER_DATA)]],
  },
  'HD-PART-01': {
    compliant: [
      [
        'template: second volume mounted at /var/lib/docker',
        () =>
          launchTemplate(`${MINIMAL_USER_DATA}mkfs -t xfs /dev/xvdb && mount /dev/xvdb /var/lib/docker\n`, {
            BlockDeviceMappings: [
              { DeviceName: '/dev/xvda', Ebs: { Encrypted: true } },
              { DeviceName: '/dev/xvdb', Ebs: { Encrypted: true } },
            ],
          }),
      ],
    ],
    nonCompliant: [['template: root volume only', () => launchTemplate(HARDENED_USER_DATA)]],
    notApplicable: hostOnlyNa(),
  },
  'HD-AMI-01': {
    compliant: [
      ['template: recommended SSM parameter', () => launchTemplate(HARDENED_USER_DATA)],
      ['API: one agent version', instances(instance(GOOD_ATTRIBUTES, '1.90.0', 'i-1'), instance(GOOD_ATTRIBUTES, '1.90.0', 'i-2'))],
    ],
    nonCompliant: [
      ['template: pinned AMI', () => launchTemplate(HARDENED_USER_DATA, { ImageId: 'ami-0123456789abcdef0' })],
      [
        'template: other parameter',
        () =>
          launchTemplate(
            HARDENED_USER_DATA,
            {},
            {
              Ami: {
                Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
                Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
              },
            },
          ),
      ],
      ['API: an older agent than its peers', instances(instance(GOOD_ATTRIBUTES, '1.89.2', 'i-1'), instance(GOOD_ATTRIBUTES, '1.90.0', 'i-2'))],
    ],
    notApplicable: hostNa,
  },
  'EC2-IMDS-01': {
    compliant: [['template: required', () => launchTemplate(MINIMAL_USER_DATA)]],
    nonCompliant: [
      ['template: optional', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'optional' } })],
      [
        'template: launch configuration without options',
        () => templateModel({ Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { ImageId: 'ami-1', InstanceType: 't3.small' } } }),
      ],
    ],
    notApplicable: [
      ...onlyTemplate,
      [
        'template: an instance from a launch template (checked on the template)',
        () => templateModel({ I: { Type: 'AWS::EC2::Instance', Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } } }),
      ],
    ],
  },
  'EC2-IMDS-02': {
    compliant: [
      ['template: hop 1', () => launchTemplate(MINIMAL_USER_DATA)],
      [
        'template: non-ECS host without a hop limit',
        () => templateModel({ Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } } } } }),
      ],
    ],
    nonCompliant: [
      ['template: hop 2', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } })],
      ['template: ECS host, unset', () => launchTemplate(MINIMAL_USER_DATA, { MetadataOptions: { HttpTokens: 'required' } })],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-EBS-01': {
    compliant: [
      ['template: encrypted', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: "true" string', () => launchTemplate(MINIMAL_USER_DATA, { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: 'true' } }] })],
    ],
    nonCompliant: [
      ['template: not encrypted', () => launchTemplate(MINIMAL_USER_DATA, { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30 } }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-PUB-01': {
    compliant: [['template: false', () => launchTemplate(MINIMAL_USER_DATA)]],
    nonCompliant: [
      ['template: launch template', () => launchTemplate(MINIMAL_USER_DATA, { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }] })],
      [
        'template: launch configuration',
        () => templateModel({ Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { AssociatePublicIpAddress: true } } }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-SG-01': {
    compliant: [['template: VPC range', () => securityGroup([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }])]],
    nonCompliant: [
      ['template: 0.0.0.0/0', () => securityGroup([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }])],
      [
        'template: ::/0 in a separate ingress resource',
        () =>
          templateModel({
            Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
            In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, IpProtocol: '-1', CidrIpv6: '::/0' } },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-MON-01': {
    compliant: [
      ['template: enabled', () => launchTemplate(MINIMAL_USER_DATA)],
      ['template: launch configuration default', () => templateModel({ Lc: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: {} } })],
    ],
    nonCompliant: [['template: disabled', () => launchTemplate(MINIMAL_USER_DATA, { Monitoring: { Enabled: false } })]],
    notApplicable: onlyTemplate,
  },
  'EC2-UD-01': {
    compliant: [
      ['template: hardened user data', () => launchTemplate(HARDENED_USER_DATA)],
      ['template: password from a variable', () => launchTemplate(`${MINIMAL_USER_DATA}DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db)\n`)],
    ],
    nonCompliant: [
      ['template: access key', () => launchTemplate(`${MINIMAL_USER_DATA}export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n`)],
      ['template: literal password', () => launchTemplate(`${MINIMAL_USER_DATA}DB_PASSWORD=hunter22\n`)],
    ],
    notApplicable: [['no user data', () => templateModel({ Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {} } } })]],
  },
  'ELB-LOG-01': {
    compliant: [['template: on', () => alb(ALB_GOOD)]],
    nonCompliant: [['template: off', () => alb({})]],
    notApplicable: onlyTemplate,
  },
  'ELB-TLS-01': {
    compliant: [
      [
        'template: HTTPS TLS 1.3 + redirect',
        () =>
          alb(ALB_GOOD, [
            { Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
            { Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443' } }] },
          ]),
      ],
    ],
    nonCompliant: [
      ['template: plain HTTP', () => alb(ALB_GOOD, [{ Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward' }] }])],
      ['template: TLS 1.0 policy', () => alb(ALB_GOOD, [{ Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS-1-0-2015-04' }])],
      ['template: HTTPS without a policy', () => alb(ALB_GOOD, [{ Protocol: 'HTTPS', Port: 443 }])],
    ],
    notApplicable: onlyTemplate,
  },
  'ELB-HDR-01': {
    compliant: [['template: dropped', () => alb(ALB_GOOD)]],
    nonCompliant: [['template: kept', () => alb({ 'access_logs.s3.enabled': 'true' })]],
    notApplicable: onlyTemplate,
  },
  'S3-LOG-01': {
    compliant: [
      ['template: logging', () => bucket({ LoggingConfiguration: { DestinationBucketName: 'logs' } })],
      [
        'template: is the log target',
        () =>
          templateModel({
            B: { Type: 'AWS::S3::Bucket', Properties: {} },
            A: { Type: 'AWS::S3::Bucket', Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: 'B' } } } },
          }),
      ],
    ],
    nonCompliant: [['template: no logging', () => bucket({})]],
    notApplicable: onlyTemplate,
  },
  'S3-TLS-01': {
    compliant: [['template: deny insecure transport', () => bucket({}, DENY_HTTP)]],
    nonCompliant: [['template: no policy', () => bucket({})]],
    notApplicable: onlyTemplate,
  },
  'S3-PAB-01': {
    compliant: [['template: all blocked', () => bucket(ALL_BLOCKED)]],
    nonCompliant: [
      ['template: absent', () => bucket({})],
      ['template: one off', () => bucket({ PublicAccessBlockConfiguration: { ...ALL_BLOCKED.PublicAccessBlockConfiguration, BlockPublicPolicy: false } })],
    ],
    notApplicable: onlyTemplate,
  },
  'VPC-FLOW-01': {
    compliant: [
      [
        'template: flow log',
        () =>
          templateModel({
            V: { Type: 'AWS::EC2::VPC', Properties: {} },
            F: { Type: 'AWS::EC2::FlowLog', Properties: { ResourceId: { Ref: 'V' }, ResourceType: 'VPC' } },
          }),
      ],
    ],
    nonCompliant: [['template: none', () => templateModel({ V: { Type: 'AWS::EC2::VPC', Properties: {} } })]],
    notApplicable: onlyTemplate,
  },
  'IAM-MP-01': {
    compliant: [['template: customer policy', () => templateModel({ R: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'Mine' }] } } })]],
    nonCompliant: [
      [
        'template: AWS managed (Fn::Join)',
        () =>
          templateModel({
            R: {
              Type: 'AWS::IAM::Role',
              Properties: { ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }] },
            },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'IAM-WC-01': {
    compliant: [
      ['template: scoped', () => policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/x']] } })],
      ['template: deny *', () => policy({ Effect: 'Deny', Action: '*', Resource: '*' })],
    ],
    nonCompliant: [
      ['template: action wildcard', () => policy({ Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::b' })],
      ['template: resource wildcard', () => policy({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' })],
    ],
    notApplicable: onlyTemplate,
  },
  'CWL-01': {
    compliant: [
      [
        'template: retention + KMS',
        () => templateModel({ G: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': ['K', 'Arn'] } } } }),
      ],
    ],
    nonCompliant: [
      ['template: neither', () => templateModel({ G: { Type: 'AWS::Logs::LogGroup', Properties: {} } })],
      ['template: no KMS', () => templateModel({ G: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } } })],
    ],
    notApplicable: onlyTemplate,
  },
  'KMS-ROT-01': {
    compliant: [['template: rotation', () => templateModel({ K: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } } })]],
    nonCompliant: [['template: no rotation', () => templateModel({ K: { Type: 'AWS::KMS::Key', Properties: {} } })]],
    notApplicable: [...onlyTemplate, ['template: asymmetric key', () => templateModel({ K: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'RSA_2048' } } })]],
  },
  'DF-USER-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['build stage runs as root, final does not', df('FROM golang:1.23 AS build\nRUN go build\nFROM debian:13-slim\nUSER 65532:65532\n')],
    ],
    nonCompliant: [
      ['no USER', df('FROM debian:13-slim\n')],
      ['last USER root', df('FROM debian:13-slim\nUSER 1000\nUSER root\n')],
      ['USER 0:0', df('FROM debian:13-slim\nUSER 0:0\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-HC-01': {
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [
      ['none', df('FROM debian:13-slim\nUSER 1000\n')],
      ['HEALTHCHECK NONE', df('FROM debian:13-slim\nHEALTHCHECK NONE\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-ADD-01': {
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['ADD', df('FROM debian:13-slim\nADD app.tar.gz /srv/\n')]],
    notApplicable: dfNa,
  },
  'DF-UPD-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['apk update && add', df('FROM alpine:3.21\nRUN apk update && apk add curl\n')],
    ],
    nonCompliant: [['apt-get update alone', df('FROM debian:13-slim\nRUN apt-get update\nRUN apt-get install -y curl\n')]],
    notApplicable: dfNa,
  },
  'DF-TAG-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['stage reference and scratch', df('FROM debian:13 AS base\nFROM base\nFROM scratch\n')],
      ['digest', df(`FROM debian@sha256:${'b'.repeat(64)}\n`)],
    ],
    nonCompliant: [
      ['untagged', df('FROM debian\n')],
      ['latest', df('FROM nginx:latest\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-SEC-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['ARG without default', df('FROM debian:13\nARG NPM_TOKEN\nENV LOG_LEVEL=info\n')],
      ['ENV from a build arg', df('FROM debian:13\nARG TOKEN\nENV API_TOKEN=$TOKEN\n')],
    ],
    nonCompliant: [
      ['ENV literal password', df('FROM debian:13\nENV DB_PASSWORD=hunter2\n')],
      ['ARG literal token', df('FROM debian:13\nARG GITHUB_TOKEN=ghp_x\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-SUID-01': { compliant: [['hardened', df(GOOD_DOCKERFILE)]], nonCompliant: [['no strip step', df('FROM debian:13\nUSER 1000\n')]], notApplicable: dfNa },
  'DF-PORT-01': {
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['EXPOSE 22', df('FROM debian:13\nEXPOSE 8080 22/tcp\n')]],
    notApplicable: dfNa,
  },
  'SVC-FG-01': {
    compliant: [
      ['template: no platformVersion (LATEST)', () => fargateService({})],
      ['template: LATEST', () => fargateService({ PlatformVersion: 'LATEST' })],
      ['API: 1.4.0', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', launchType: 'FARGATE', platformVersion: '1.4.0' }] })],
    ],
    nonCompliant: [
      ['template: 1.3.0', () => fargateService({ PlatformVersion: '1.3.0' })],
      [
        'template: FARGATE capacity provider on 1.3.0',
        () => service({ CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }], PlatformVersion: '1.3.0' }),
      ],
      ['API: 1.3.0', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', launchType: 'FARGATE', platformVersion: '1.3.0' }] })],
    ],
    notApplicable: [['EC2 launch type', () => service({ LaunchType: 'EC2', PlatformVersion: '1.3.0' })], ...onlyTemplate],
  },
  'EC2-SG-02': {
    compliant: [
      [
        'template: every rule described',
        () => securityGroup([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16', Description: 'VPC clients' }]),
      ],
    ],
    nonCompliant: [
      ['template: inline rule without a description', () => securityGroup([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }])],
      [
        'template: a separate egress resource without one',
        () =>
          templateModel({
            Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } },
            Out: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { Ref: 'Sg' }, IpProtocol: '-1', CidrIp: '0.0.0.0/0' } },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'EC2-VOL-01': {
    compliant: [['template: encrypted', () => templateModel({ V: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: true, Size: 10 } } })]],
    nonCompliant: [
      ['template: not set', () => templateModel({ V: { Type: 'AWS::EC2::Volume', Properties: { Size: 10 } } })],
      ['template: "false"', () => templateModel({ V: { Type: 'AWS::EC2::Volume', Properties: { Encrypted: 'false' } } })],
    ],
    notApplicable: onlyTemplate,
  },
  'S3-ENC-01': {
    compliant: [
      [
        'template: aws:kms',
        () => bucket({ BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } }),
      ],
      ['template: not set (S3 default SSE-S3)', () => bucket({})],
    ],
    nonCompliant: [
      ['template: a rule without an algorithm', () => bucket({ BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true }] } })],
    ],
    notApplicable: onlyTemplate,
  },
  'S3-VER-01': {
    compliant: [['template: Enabled', () => bucket({ VersioningConfiguration: { Status: 'Enabled' } })]],
    nonCompliant: [
      ['template: not set', () => bucket({})],
      ['template: Suspended', () => bucket({ VersioningConfiguration: { Status: 'Suspended' } })],
    ],
    notApplicable: onlyTemplate,
  },
  'IAM-ESC-01': {
    compliant: [
      ['template: read-only IAM', () => policy({ Effect: 'Allow', Action: ['iam:GetRole', 'iam:ListRoles'], Resource: '*' })],
      ['template: PassRole alone', () => policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/x' })],
    ],
    nonCompliant: [
      ['template: iam:Put* (wildcard)', () => policy({ Effect: 'Allow', Action: 'iam:Put*', Resource: '*' })],
      ['template: PassRole with ec2:RunInstances', () => policy({ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' })],
      [
        'template: inline policy of a user',
        () =>
          templateModel({
            U: {
              Type: 'AWS::IAM::User',
              Properties: {
                Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: '*' }] } }],
              },
            },
          }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'IAM-TRUST-01': {
    compliant: [
      ['template: ECS tasks', () => role({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
      [
        'template: account root with sts:ExternalId',
        () => role({ Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }),
      ],
    ],
    nonCompliant: [
      ['template: Principal *', () => role({ Principal: '*' })],
      ['template: AWS [*]', () => role({ Principal: { AWS: ['*'] } })],
      ['template: a whole account', () => role({ Principal: { AWS: '111122223333' } })],
    ],
    notApplicable: onlyTemplate,
  },
  'KMS-POL-01': {
    compliant: [
      ['template: account root', () => key({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' })],
      [
        'template: * narrowed by kms:CallerAccount',
        () =>
          key({
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } },
          }),
      ],
    ],
    nonCompliant: [
      ['template: Principal *', () => key({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' })],
      ['template: AWS [*]', () => key({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'kms:Decrypt', Resource: '*' })],
    ],
    notApplicable: onlyTemplate,
  },
  'SM-KMS-01': {
    compliant: [
      ['template: customer key', () => templateModel({ S: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { 'Fn::GetAtt': ['K', 'Arn'] } } } })],
    ],
    nonCompliant: [
      ['template: no KmsKeyId', () => templateModel({ S: { Type: 'AWS::SecretsManager::Secret', Properties: {} } })],
      [
        'template: alias/aws/secretsmanager',
        () => templateModel({ S: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: 'alias/aws/secretsmanager' } } }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'ECR-SCAN-01': {
    compliant: [
      ['template: hardened', () => repository(GOOD_REPOSITORY)],
      ['template: "true"', () => repository({ ...GOOD_REPOSITORY, ImageScanningConfiguration: { ScanOnPush: 'true' } })],
    ],
    nonCompliant: [
      ['template: not set', () => repository({ ...GOOD_REPOSITORY, ImageScanningConfiguration: undefined })],
      ['template: false', () => repository({ ...GOOD_REPOSITORY, ImageScanningConfiguration: { ScanOnPush: false } })],
    ],
    notApplicable: onlyTemplate,
  },
  'ECR-TAG-01': {
    compliant: [['template: IMMUTABLE', () => repository(GOOD_REPOSITORY)]],
    nonCompliant: [
      ['template: not set', () => repository({ ...GOOD_REPOSITORY, ImageTagMutability: undefined })],
      ['template: MUTABLE', () => repository({ ...GOOD_REPOSITORY, ImageTagMutability: 'MUTABLE' })],
    ],
    notApplicable: onlyTemplate,
  },
  'ECR-KMS-01': {
    compliant: [['template: KMS', () => repository(GOOD_REPOSITORY)]],
    nonCompliant: [
      ['template: not set', () => repository({ ...GOOD_REPOSITORY, EncryptionConfiguration: undefined })],
      ['template: AES256', () => repository({ ...GOOD_REPOSITORY, EncryptionConfiguration: { EncryptionType: 'AES256' } })],
    ],
    notApplicable: onlyTemplate,
  },
  'ECR-LC-01': {
    compliant: [['template: lifecycle policy', () => repository(GOOD_REPOSITORY)]],
    nonCompliant: [['template: none', () => repository({ ...GOOD_REPOSITORY, LifecyclePolicy: undefined })]],
    notApplicable: onlyTemplate,
  },
  'DF-TLS-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['curl with a k in a URL, not a flag', df('FROM debian:13\nRUN curl -fsSL https://example.com/kit.tar.gz -o kit.tgz\n')],
    ],
    nonCompliant: [
      ['curl -k', df('FROM debian:13\nRUN curl -fsSLk https://example.com\n')],
      ['wget --no-check-certificate', df('FROM debian:13\nRUN wget --no-check-certificate https://example.com\n')],
      ['pip --trusted-host', df('FROM python:3.13\nRUN pip install --trusted-host pypi.example.com x\n')],
      ['git http.sslVerify false', df('FROM debian:13\nRUN git config --global http.sslVerify false\n')],
      ['ENV NODE_TLS_REJECT_UNAUTHORIZED=0', df('FROM node:22\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-PKG-01': {
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [
      ['apt-get --allow-unauthenticated', df('FROM debian:13\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\n')],
      ['yum --nogpgcheck', df('FROM rockylinux:9\nRUN yum install -y --nogpgcheck x\n')],
      ['apk --allow-untrusted', df('FROM alpine:3.22\nRUN apk add --allow-untrusted x.apk\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-SUDO-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['installing the sudo package is not running it', df('FROM debian:13\nRUN apt-get update && apt-get install -y sudo-ldap-docs\n')],
    ],
    nonCompliant: [['sudo', df('FROM debian:13\nUSER 1000\nRUN sudo apt-get update && sudo apt-get install -y curl\n')]],
    notApplicable: dfNa,
  },
  'DF-PASS-01': {
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['chpasswd', df('FROM debian:13\nRUN echo "app:hunter22" | chpasswd\n')]],
    notApplicable: dfNa,
  },
  'DF-MAINT-01': {
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['MAINTAINER', df('FROM debian:13\nMAINTAINER someone@example.com\n')]],
    notApplicable: dfNa,
  },
  'DF-WD-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['$VAR and absolute', df('FROM debian:13\nWORKDIR /app\nWORKDIR $HOME\n')],
    ],
    nonCompliant: [['relative', df('FROM debian:13\nWORKDIR app\n')]],
    notApplicable: dfNa,
  },
  'DF-ALIAS-01': {
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['distinct stages', df('FROM debian:13 AS build\nFROM debian:13 AS run\n')],
    ],
    nonCompliant: [['one name twice (case-insensitive)', df('FROM debian:13 AS build\nFROM debian:13 AS BUILD\n')]],
    notApplicable: dfNa,
  },
};

const PLATFORM_RULES = RULES.filter((r) => !r.id.startsWith('TD-'));

test('every non-TD rule has test cases', () => {
  expect(Object.keys(CASES).sort()).toEqual(PLATFORM_RULES.map((r) => r.id).sort());
});

describe.each(PLATFORM_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  const cases = CASES[rule.id];
  for (const [name, model] of cases.compliant) {
    test(`Compliance: ${name}`, () => {
      expect(rule.check(model()).findings).toEqual([]);
      expect(rule.check(model()).compliance).toBe('compliant');
    });
  }
  for (const [name, model] of cases.nonCompliant) {
    test(`Noncompliance: ${name}`, () => {
      const result = rule.check(model());
      expect(result.compliance).toBe('non-compliant');
      expect(result.findings[0].message.length).toBeGreaterThan(10);
    });
  }
  for (const [name, model] of cases.notApplicable) {
    test(`Not applicable: ${name}`, () => {
      expect(rule.check(model()).compliance).toBe('not-applicable');
    });
  }
});

test('Dockerfile findings point at the instruction line', () => {
  const rule = RULES.find((r) => r.id === 'DF-ADD-01')!;
  expect(rule.check(dockerfile('FROM debian:13\n\nADD a /b\n')).findings[0].line).toBe(3);
});

test('secret messages name the variable, never the value', () => {
  const models = [
    launchTemplate(`${MINIMAL_USER_DATA}DB_PASSWORD=hunter22\n`),
    dockerfile('FROM debian:13\nENV DB_PASSWORD=hunter22\n'),
    launchTemplate(`${MINIMAL_USER_DATA}echo 'ECS_ENGINE_AUTH_DATA=hunter22' >> /etc/ecs/ecs.config\n`),
  ];
  const messages = models.flatMap((m) => RULES.flatMap((r) => r.check(m).findings.map((f) => f.message)));
  expect(messages.length).toBeGreaterThan(0);
  expect(messages.join('\n')).not.toContain('hunter22');
});
