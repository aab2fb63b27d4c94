/**
 * Models the platform rule tests share (test/audit/rules/<PREFIX>.test.ts): templates built the
 * way CDK writes them, ECS API documents, and Dockerfiles.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AuditModel } from '../../../lib/audit/model';
import { apiModel, apiTaskDefinition, dockerfile, emptyModel, hardenedTask, templateModel } from '../helpers/models';

type Doc = Record<string, any>;
export const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:111122223333:cluster/web';

export const service = (props: Doc) => templateModel({ Svc: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' }, ...props } } });
export const awsvpc = (assign: string) => ({ NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: assign, Subnets: ['subnet-1'] } } });
export const cluster = (props: Doc) => templateModel({ Cluster: { Type: 'AWS::ECS::Cluster', Properties: props } });
export const capacityProvider = (protection?: string) =>
  templateModel({
    Cp: {
      Type: 'AWS::ECS::CapacityProvider',
      Properties: { AutoScalingGroupProvider: { AutoScalingGroupArn: { Ref: 'Asg' }, ...(protection ? { ManagedTerminationProtection: protection } : {}) } },
    },
  });

/** The repository's real hardening script, as lib/host/al2023-user-data.ts renders it. */
export const HARDENED_USER_DATA = `#!/bin/bash\nexport ECS_CLUSTER_NAME='web'\n${readFileSync(path.join(__dirname, '..', '..', '..', 'lib', 'host', 'instance-user-data.sh'), 'utf8')}`;
export const MINIMAL_USER_DATA = '#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\n';

/** User data as CDK renders it: Fn::Base64 of Fn::Join, the cluster name a Ref. */
function userDataProperty(text: string): Doc {
  const marker = "ECS_CLUSTER_NAME='web'";
  const at = text.indexOf(marker);
  const parts = at < 0 ? [text] : [`${text.slice(0, at)}ECS_CLUSTER_NAME='`, { Ref: 'Cluster' }, text.slice(at + marker.length - 1)];
  return { 'Fn::Base64': { 'Fn::Join': ['', parts] } };
}

export function launchTemplate(userData: string | undefined, data: Doc = {}, parameters: Doc = {}): AuditModel {
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
export const withUserData = (extra: string) => () => launchTemplate(`${HARDENED_USER_DATA}\n${extra}\n`);
export const instance = (attributes: string[], agentVersion = '1.90.0', id = 'i-1') => ({
  containerInstanceArn: `arn:aws:ecs:eu-west-1:111122223333:container-instance/web/${id}`,
  ec2InstanceId: id,
  attributes: attributes.map((name) => ({ name })),
  versionInfo: { agentVersion, dockerVersion: '25.0.8' },
});
export const GOOD_ATTRIBUTES = [
  'ecs.capability.task-eni',
  'ecs.capability.task-eni-block-instance-metadata',
  'com.amazonaws.ecs.capability.task-iam-role',
  'ecs.capability.secrets.asm.environment-variables',
];
export const instances =
  (...docs: Doc[]) =>
  () =>
    apiModel({ containerInstances: docs });
export const securityGroup = (ingress: Doc[]) =>
  templateModel({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'test', SecurityGroupIngress: ingress } } });
export const alb = (attributes: Doc, listeners: Doc[] = []) =>
  templateModel({
    Lb: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: { LoadBalancerAttributes: Object.entries(attributes).map(([Key, Value]) => ({ Key, Value })) },
    },
    ...Object.fromEntries(
      listeners.map((l, i) => [`L${i}`, { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Lb' }, ...l } }]),
    ),
  });
export const ALB_GOOD = { 'access_logs.s3.enabled': 'true', 'routing.http.drop_invalid_header_fields.enabled': 'true' };
export const bucket = (props: Doc, policy?: Doc[]) =>
  templateModel({
    B: { Type: 'AWS::S3::Bucket', Properties: props },
    ...(policy ? { P: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'B' }, PolicyDocument: { Statement: policy } } } } : {}),
  });
export const ALL_BLOCKED = {
  PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
};
export const DENY_HTTP = [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }];
export const policy = (statement: Doc) =>
  templateModel({ P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: { Statement: [statement] }, Roles: [{ Ref: 'R' }] } } });
export const taskWith = (mutate: (c: Doc) => void) => {
  const td = hardenedTask();
  mutate(td.containerDefinitions[0]);
  return apiTaskDefinition(td);
};

export const GOOD_DOCKERFILE = readFileSync(path.join(__dirname, '..', 'fixtures', 'Dockerfile.hardened'), 'utf8');
export const df = (text: string) => () => dockerfile(text);
export const onlyTemplate: [string, () => AuditModel][] = [
  ['no such resource', () => templateModel({ T: { Type: 'AWS::SNS::Topic' } })],
  ['empty model', emptyModel],
];
/** Rules the ECS API cannot show (catalog "Live: –"): only container instances means not applicable. */
export const hostOnlyNa = (): [string, () => AuditModel][] => [
  ...hostNa,
  ['API: container instances only (not visible through ECS)', instances(instance(GOOD_ATTRIBUTES))],
];
export const hostNa: [string, () => AuditModel][] = [
  [
    'no ECS host',
    () => templateModel({ Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } } } } }),
  ],
  ['empty model', emptyModel],
];
export const dfNa: [string, () => AuditModel][] = [['no Dockerfile', () => apiTaskDefinition(hardenedTask())]];

export const repository = (props: Doc) => templateModel({ Repo: { Type: 'AWS::ECR::Repository', Properties: props } });
export const GOOD_REPOSITORY = {
  ImageScanningConfiguration: { ScanOnPush: true },
  ImageTagMutability: 'IMMUTABLE',
  EncryptionConfiguration: { EncryptionType: 'KMS' },
  LifecyclePolicy: { LifecyclePolicyText: '{"rules":[]}' },
};
export const role = (trust: Doc) =>
  templateModel({
    R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...trust }] } } },
  });
export const key = (statement: Doc) =>
  templateModel({ K: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: [statement] } } } });
export const fargateService = (props: Doc) => service({ LaunchType: 'FARGATE', ...props });
