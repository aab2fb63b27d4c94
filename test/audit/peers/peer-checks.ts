/**
 * Which peer check corresponds to which audit rule (docs/audit-rules.md, "Peer checks"). The peer
 * suite and the agreement measurement both read this list, so the table, the test and the counts
 * cannot drift apart.
 */
export interface PeerCheck {
  readonly peer: 'checkov' | 'prowler';
  /** The peer's id: CKV_AWS_24, CKV2_DOCKER_2, ecs_task_definitions_logging_block_mode. */
  readonly id: string;
  /** checkov: the check's class (its test is test_<name>.py); prowler: the check's folder. */
  readonly name: string;
  readonly kind: 'cloudformation' | 'dockerfile' | 'ecs-api';
  /**
   * CloudFormation resource types the check judges. prowler's ECS checks read the ECS API; their
   * scenarios are rebuilt as the equivalent CloudFormation resources (./scenarios.ts).
   */
  readonly resourceTypes: readonly string[];
  /** The audit rules that judge the same thing: a resource fails when any of them has a finding on it. */
  readonly rules: readonly string[];
}

const cfn = (id: string, name: string, resourceTypes: string[], rules: string[]): PeerCheck => ({
  peer: 'checkov',
  id,
  name,
  kind: 'cloudformation',
  resourceTypes,
  rules,
});
const docker = (id: string, name: string, rules: string[]): PeerCheck => ({ peer: 'checkov', id, name, kind: 'dockerfile', resourceTypes: [], rules });
const SG = ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'];
const IAM = ['AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::ManagedPolicy'];
const BUCKET = ['AWS::S3::Bucket'];
const ECR = ['AWS::ECR::Repository'];

const prowler = (name: string, resourceTypes: string[], rules: string[]): PeerCheck => ({
  peer: 'prowler',
  id: name,
  name,
  kind: 'ecs-api',
  resourceTypes,
  rules,
});
const TASK = ['AWS::ECS::TaskDefinition'];

export const PEER_CHECKS: readonly PeerCheck[] = [
  prowler('ecs_task_definitions_no_privileged_containers', TASK, ['TD-PRIV-01']),
  prowler('ecs_task_definitions_containers_readonly_access', TASK, ['TD-ROFS-01']),
  prowler('ecs_task_definitions_host_namespace_not_shared', TASK, ['TD-PID-01']),
  prowler('ecs_task_definitions_host_networking_mode_users', TASK, ['TD-USER-01']),
  prowler('ecs_task_definitions_logging_enabled', TASK, ['TD-LOG-01']),
  prowler('ecs_task_definitions_logging_block_mode', TASK, ['TD-LOG-03']),
  prowler('ecs_task_definitions_no_environment_secrets', TASK, ['TD-SEC-01', 'TD-SEC-02']),
  prowler('ecs_service_no_assign_public_ip', ['AWS::ECS::Service'], ['SVC-NET-01']),
  prowler('ecs_service_fargate_latest_platform_version', ['AWS::ECS::Service'], ['SVC-FG-01']),
  prowler('ecs_task_set_no_assign_public_ip', ['AWS::ECS::TaskSet'], ['TS-NET-01']),
  prowler('ecs_cluster_container_insights_enabled', ['AWS::ECS::Cluster'], ['CL-CI-01']),
  cfn('CKV_AWS_24', 'SecurityGroupUnrestrictedIngress22', SG, ['EC2-SG-01']),
  cfn('CKV_AWS_25', 'SecurityGroupUnrestrictedIngress3389', SG, ['EC2-SG-01']),
  cfn('CKV_AWS_260', 'SecurityGroupUnrestrictedIngress80', SG, ['EC2-SG-01']),
  cfn('CKV_AWS_23', 'SecurityGroupRuleDescription', [...SG, 'AWS::EC2::SecurityGroupEgress'], ['EC2-SG-02']),
  cfn('CKV_AWS_79', 'IMDSv1Disabled', ['AWS::EC2::LaunchTemplate'], ['EC2-IMDS-01']),
  cfn('CKV_AWS_88', 'EC2PublicIP', ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate'], ['EC2-PUB-01']),
  cfn('CKV_AWS_8', 'LaunchConfigurationEBSEncryption', ['AWS::AutoScaling::LaunchConfiguration'], ['EC2-EBS-01']),
  cfn('CKV_AWS_3', 'EBSEncryption', ['AWS::EC2::Volume'], ['EC2-VOL-01']),
  cfn('CKV_AWS_46', 'EC2Credentials', ['AWS::EC2::Instance'], ['EC2-UD-01']),
  cfn('CKV_AWS_91', 'ELBv2AccessLogs', ['AWS::ElasticLoadBalancingV2::LoadBalancer'], ['ELB-LOG-01']),
  cfn('CKV_AWS_2', 'ALBListenerHTTPS', ['AWS::ElasticLoadBalancingV2::Listener'], ['ELB-TLS-01']),
  cfn('CKV_AWS_103', 'ALBListenerTLS12', ['AWS::ElasticLoadBalancingV2::Listener'], ['ELB-TLS-01']),
  cfn('CKV_AWS_131', 'ALBDropHttpHeaders', ['AWS::ElasticLoadBalancingV2::LoadBalancer'], ['ELB-HDR-01']),
  cfn('CKV_AWS_18', 'S3AccessLogs', BUCKET, ['S3-LOG-01']),
  cfn('CKV_AWS_19', 'S3Encryption', BUCKET, ['S3-ENC-01']),
  cfn('CKV_AWS_21', 'S3Versioning', BUCKET, ['S3-VER-01']),
  cfn('CKV_AWS_53', 'S3BlockPublicACLs', BUCKET, ['S3-PAB-01']),
  cfn('CKV_AWS_54', 'S3BlockPublicPolicy', BUCKET, ['S3-PAB-01']),
  cfn('CKV_AWS_55', 'S3IgnorePublicACLs', BUCKET, ['S3-PAB-01']),
  cfn('CKV_AWS_56', 'S3RestrictPublicBuckets', BUCKET, ['S3-PAB-01']),
  cfn('CKV_AWS_66', 'CloudWatchLogGroupRetention', ['AWS::Logs::LogGroup'], ['CWL-01']),
  cfn('CKV_AWS_158', 'CloudWatchLogGroupKMSKey', ['AWS::Logs::LogGroup'], ['CWL-01']),
  cfn('CKV_AWS_7', 'KMSRotation', ['AWS::KMS::Key'], ['KMS-ROT-01']),
  cfn('CKV_AWS_33', 'KMSKeyWildCardPrincipal', ['AWS::KMS::Key'], ['KMS-POL-01']),
  cfn('CKV_AWS_51', 'ECRImmutableTags', ECR, ['ECR-TAG-01']),
  cfn('CKV_AWS_136', 'ECRRepositoryEncrypted', ECR, ['ECR-KMS-01']),
  cfn('CKV_AWS_163', 'ECRImageScanning', ECR, ['ECR-SCAN-01']),
  cfn('CKV_AWS_65', 'ECSClusterContainerInsights', ['AWS::ECS::Cluster'], ['CL-CI-01']),
  cfn('CKV_AWS_97', 'ECSTaskDefinitionEFSVolumeEncryption', ['AWS::ECS::TaskDefinition'], ['TD-EFS-01']),
  cfn('CKV_AWS_62', 'IAMAdminPolicyDocument', IAM, ['IAM-WC-01']),
  cfn('CKV_AWS_63', 'IAMStarActionPolicyDocument', IAM, ['IAM-WC-01']),
  cfn('CKV_AWS_60', 'IAMRoleAllowsPublicAssume', ['AWS::IAM::Role'], ['IAM-TRUST-01']),
  cfn('CKV_AWS_61', 'IAMRoleAllowAssumeFromAccount', ['AWS::IAM::Role'], ['IAM-TRUST-01']),
  cfn('CKV_AWS_149', 'SecretManagerSecretEncrypted', ['AWS::SecretsManager::Secret'], ['SM-KMS-01']),
  docker('CKV_DOCKER_1', 'ExposePort22', ['DF-PORT-01']),
  docker('CKV_DOCKER_2', 'HealthcheckExists', ['DF-HC-01']),
  docker('CKV_DOCKER_3', 'UserExists', ['DF-USER-01']),
  docker('CKV_DOCKER_4', 'AddExists', ['DF-ADD-01']),
  docker('CKV_DOCKER_5', 'UpdateNotAlone', ['DF-UPD-01']),
  docker('CKV_DOCKER_6', 'MaintainerExists', ['DF-MAINT-01']),
  docker('CKV_DOCKER_7', 'ReferenceLatestTag', ['DF-TAG-01']),
  docker('CKV_DOCKER_8', 'RootUser', ['DF-USER-01']),
  docker('CKV_DOCKER_10', 'WorkdirIsAbsolute', ['DF-WD-01']),
  docker('CKV_DOCKER_11', 'AliasIsUnique', ['DF-ALIAS-01']),
  docker('CKV2_DOCKER_1', 'RunUsingSudo', ['DF-SUDO-01']),
  docker('CKV2_DOCKER_2', 'RunUnsafeCurl', ['DF-TLS-01']),
  docker('CKV2_DOCKER_3', 'RunUnsafeWget', ['DF-TLS-01']),
  docker('CKV2_DOCKER_4', 'RunPipTrustedHost', ['DF-TLS-01']),
  docker('CKV2_DOCKER_5', 'EnvPythonHttpsVerify', ['DF-TLS-01']),
  docker('CKV2_DOCKER_6', 'EnvNodeTlsRejectUnauthorized', ['DF-TLS-01']),
  docker('CKV2_DOCKER_7', 'RunApkAllowUntrusted', ['DF-PKG-01']),
  docker('CKV2_DOCKER_8', 'RunAptGetAllowUnauthenticated', ['DF-PKG-01']),
  docker('CKV2_DOCKER_9', 'RunYumNoGpgCheck', ['DF-PKG-01']),
  docker('CKV2_DOCKER_10', 'RunRpmNoSignature', ['DF-PKG-01']),
  docker('CKV2_DOCKER_11', 'RunAptGetForceYes', ['DF-PKG-01']),
  docker('CKV2_DOCKER_12', 'EnvNpmConfigStrictSsl', ['DF-TLS-01']),
  docker('CKV2_DOCKER_13', 'RunNpmConfigSetStrictSsl', ['DF-TLS-01']),
  docker('CKV2_DOCKER_14', 'EnvGitSslNoVerify', ['DF-TLS-01']),
  docker('CKV2_DOCKER_15', 'RunYumConfigManagerSslVerify', ['DF-TLS-01']),
  docker('CKV2_DOCKER_16', 'EnvPipTrustedHost', ['DF-TLS-01']),
  docker('CKV2_DOCKER_17', 'RunChpasswd', ['DF-PASS-01']),
];
