/**
 * Peer test cases rebuilt in this repository's own words: prowler's ECS checks
 * (prowler-cloud/prowler@3e000faa, prowler/providers/aws/services/ecs/ and their tests under
 * tests/providers/aws/services/ecs/, which build ECS API objects with moto) as the equivalent
 * CloudFormation resources, and one checkov case (bridgecrewio/checkov@03d5fdad) for each class of
 * disagreement the first comparison found (docs/audit-rules.md "Peer checks"). Each is a template with the peer's verdict on one resource; the peer
 * suite runs them through the CLI's loader, so they run everywhere, converted inputs or not.
 */
import { hardenedContainer, hardenedTask, toCfn } from '../helpers/models';
import type { PeerVerdict } from './verdicts';

type Doc = Record<string, any>;
export interface Scenario {
  readonly verdict: PeerVerdict;
  /** A CloudFormation template (`.template.json`) or Dockerfile text. */
  readonly file: string;
  readonly content: string;
}

const template = (resources: Doc, parameters: Doc = {}) => JSON.stringify({ Parameters: parameters, Resources: resources }, null, 1);
const task = (change: (td: Doc, c: Doc) => void) => {
  const td = { ...hardenedTask(), containerDefinitions: [hardenedContainer()] };
  change(td, td.containerDefinitions[0]);
  return { Task: { Type: 'AWS::ECS::TaskDefinition', Properties: toCfn(td) } };
};

let n = 0;
function scenario(
  peer: PeerVerdict['peer'],
  check: string,
  verdict: PeerVerdict['verdict'],
  resource: string,
  content: string,
  ext = '.template.json',
): Scenario {
  const file = `${peer}-${check}-${++n}${ext}`;
  return { verdict: { peer, check, name: check, input: file, resource, verdict }, file, content };
}
const prowler = (check: string, verdict: PeerVerdict['verdict'], resources: Doc, resource = 'Task') =>
  scenario('prowler', check, verdict, resource, template(resources));
const checkov = (check: string, verdict: PeerVerdict['verdict'], resource: string, resources: Doc, parameters?: Doc) =>
  scenario('checkov', check, verdict, resource, template(resources, parameters));
const service = (props: Doc) => ({
  Svc: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1', ...props } },
});
const awsvpc = (assign: string) => ({ NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: assign, Subnets: ['subnet-1'] } } });
const sg = (rule: Doc) => ({
  Sg: {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: { GroupDescription: 'ssh', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, ...rule }] },
  },
});
const listener = (props: Doc) => ({
  L: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'LoadBalancerArn' }, Port: 80, Protocol: 'HTTP', ...props } },
});

export const SCENARIOS: readonly Scenario[] = [
  prowler(
    'ecs_task_definitions_no_privileged_containers',
    'fail',
    task((_, c) => (c.privileged = true)),
  ),
  prowler(
    'ecs_task_definitions_no_privileged_containers',
    'pass',
    task(() => undefined),
  ),
  prowler(
    'ecs_task_definitions_containers_readonly_access',
    'fail',
    task((_, c) => delete c.readonlyRootFilesystem),
  ),
  prowler(
    'ecs_task_definitions_containers_readonly_access',
    'pass',
    task(() => undefined),
  ),
  prowler(
    'ecs_task_definitions_host_namespace_not_shared',
    'fail',
    task((td) => (td.pidMode = 'host')),
  ),
  prowler(
    'ecs_task_definitions_host_namespace_not_shared',
    'pass',
    task((td) => (td.pidMode = 'task')),
  ),
  prowler(
    'ecs_task_definitions_host_networking_mode_users',
    'fail',
    task((td, c) => {
      td.networkMode = 'host';
      c.user = 'root';
    }),
  ),
  prowler(
    'ecs_task_definitions_host_networking_mode_users',
    'pass',
    task((td) => (td.networkMode = 'host')),
  ),
  prowler(
    'ecs_task_definitions_logging_enabled',
    'fail',
    task((_, c) => delete c.logConfiguration),
  ),
  prowler(
    'ecs_task_definitions_logging_enabled',
    'pass',
    task(() => undefined),
  ),
  prowler(
    'ecs_task_definitions_logging_block_mode',
    'fail',
    task((_, c) => delete c.logConfiguration.options.mode),
  ),
  prowler(
    'ecs_task_definitions_logging_block_mode',
    'pass',
    task(() => undefined),
  ),
  // prowler reads values with detect-secrets: a key id under an innocuous name fails (the audit read names only).
  prowler(
    'ecs_task_definitions_no_environment_secrets',
    'fail',
    task((_, c) => (c.environment = [{ name: 'UPSTREAM', value: `AKIA${'IOSFODNN7EXAMPLE'}` }])),
  ),
  prowler(
    'ecs_task_definitions_no_environment_secrets',
    'fail',
    task((_, c) => (c.environment = [{ name: 'DB_PASSWORD', value: 'pass' }])),
  ),
  prowler(
    'ecs_task_definitions_no_environment_secrets',
    'pass',
    task((_, c) => (c.environment = [{ name: 'LOG_LEVEL', value: 'info' }])),
  ),
  prowler('ecs_service_no_assign_public_ip', 'fail', service(awsvpc('ENABLED')), 'Svc'),
  prowler('ecs_service_no_assign_public_ip', 'pass', service(awsvpc('DISABLED')), 'Svc'),
  prowler('ecs_service_fargate_latest_platform_version', 'fail', service({ LaunchType: 'FARGATE', PlatformVersion: '1.3.0' }), 'Svc'),
  prowler('ecs_service_fargate_latest_platform_version', 'pass', service({ LaunchType: 'FARGATE', PlatformVersion: 'LATEST' }), 'Svc'),
  prowler(
    'ecs_task_set_no_assign_public_ip',
    'fail',
    {
      Ts: {
        Type: 'AWS::ECS::TaskSet',
        Properties: {
          Cluster: 'c',
          Service: 's',
          TaskDefinition: 't',
          NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'ENABLED', Subnets: ['subnet-1'] } },
        },
      },
    },
    'Ts',
  ),
  prowler(
    'ecs_task_set_no_assign_public_ip',
    'pass',
    {
      Ts: {
        Type: 'AWS::ECS::TaskSet',
        Properties: {
          Cluster: 'c',
          Service: 's',
          TaskDefinition: 't',
          NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: ['subnet-1'] } },
        },
      },
    },
    'Ts',
  ),
  prowler('ecs_cluster_container_insights_enabled', 'fail', { C: { Type: 'AWS::ECS::Cluster', Properties: {} } }, 'C'),
  prowler(
    'ecs_cluster_container_insights_enabled',
    'pass',
    { C: { Type: 'AWS::ECS::Cluster', Properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] } } },
    'C',
  ),

  // 1. A parameter default is the deployed value (checkov resolves it).
  checkov('CKV_AWS_24', 'fail', 'Sg', sg({ CidrIp: { Ref: 'SSHLocation' } }), { SSHLocation: { Type: 'String', Default: '0.0.0.0/0' } }),
  checkov('CKV_AWS_24', 'pass', 'Sg', sg({ CidrIp: { Ref: 'SSHLocation' } }), { SSHLocation: { Type: 'String', Default: '10.0.0.0/16' } }),
  // 2. IPv6 "any" spelled out in full.
  checkov('CKV_AWS_24', 'fail', 'Sg', sg({ CidrIpv6: '0000:0000:0000:0000:0000:0000:0000:0000/0' })),
  // 3. Inline policies of users and groups.
  checkov('CKV_AWS_63', 'fail', 'User', {
    User: {
      Type: 'AWS::IAM::User',
      Properties: { Policies: [{ PolicyName: 'all', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }] } }] },
    },
  }),
  checkov('CKV_AWS_63', 'fail', 'Group', {
    Group: {
      Type: 'AWS::IAM::Group',
      Properties: { Policies: [{ PolicyName: 'all', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] },
    },
  }),
  // 4. IMDS turned off entirely is not "IMDSv1 allowed".
  checkov('CKV_AWS_79', 'pass', 'Lt', {
    Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { MetadataOptions: { HttpEndpoint: 'disabled' } } } },
  }),
  // 6. A listener whose load balancer is a parameter is judged.
  checkov(
    'CKV_AWS_2',
    'fail',
    'L',
    listener({ DefaultActions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/t/1' }] }),
    { LoadBalancerArn: { Type: 'String' } },
  ),
  checkov(
    'CKV_AWS_2',
    'pass',
    'L',
    listener({ DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] }),
    { LoadBalancerArn: { Type: 'String' } },
  ),
  // 7. (every template above has no task definition, and is audited all the same)
  // 8. A value shaped like a secret in a Dockerfile ENV, under an innocuous name: DF-SEC-01 (no checkov Dockerfile check reads values; see ./README.md).
];

/** 5. Conditional values: the docs promise no finding for an unknown; no peer check states a verdict on it. */
export const CONDITIONAL_LISTENER = template(
  listener({
    DefaultActions: {
      'Fn::If': ['HasCertificate', [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443' } }], [{ Type: 'forward', TargetGroupArn: 'arn:tg' }]],
    },
  }),
  { LoadBalancerArn: { Type: 'String' } },
);
