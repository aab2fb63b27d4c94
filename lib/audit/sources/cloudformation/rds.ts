/** RDS DB instances (rules RDS-*), each with the parameters of its parameter group when the template defines it. */
import { type AuditModel, type DbInstance, type List, type Maybe, unknownValue } from '../../model';
import { bool, num, obj, str } from '../ecs-document';
import { isIntrinsic, refTarget, toList } from '../../../cfn/values';
import type { Doc, TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function rdsResources(ctx: TemplateContext): Partial<AuditModel> {
  const parameterGroups = new Map(ctx.ofType('AWS::RDS::DBParameterGroup'));
  return {
    dbInstances: ctx.ofType('AWS::RDS::DBInstance').map(([logicalId, props]): DbInstance => ({
      id: ctx.id(logicalId),
      origin: ctx.origin(logicalId),
      engine: str(normalizeCfn(props.Engine)),
      storageEncrypted: bool(normalizeCfn(props.StorageEncrypted)),
      publiclyAccessible: bool(normalizeCfn(props.PubliclyAccessible)),
      backupRetentionPeriod: num(normalizeCfn(props.BackupRetentionPeriod)),
      deletionProtection: bool(normalizeCfn(props.DeletionProtection)),
      iamAuthentication: bool(normalizeCfn(props.EnableIAMDatabaseAuthentication)),
      manageMasterUserPassword: bool(normalizeCfn(props.ManageMasterUserPassword)),
      masterUserPassword: passwordSource(props.MasterUserPassword),
      cloudwatchLogsExports: logExports(props.EnableCloudwatchLogsExports),
      autoMinorVersionUpgrade: bool(normalizeCfn(props.AutoMinorVersionUpgrade)),
      multiAz: bool(normalizeCfn(props.MultiAZ)),
      inCluster: props.DBClusterIdentifier !== undefined,
      parameters: parametersOf(props.DBParameterGroupName, parameterGroups),
    })),
  };
}

/**
 * Where the master password comes from. A `{{resolve:secretsmanager:…}}` dynamic reference, also
 * inside `Fn::Join`/`Fn::Sub` as CDK writes it, is resolved by CloudFormation from Secrets Manager
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
 */
function passwordSource(value: unknown): DbInstance['masterUserPassword'] {
  if (value === undefined) return 'absent';
  if (JSON.stringify(value).includes('{{resolve:secretsmanager:')) return 'secretsmanager';
  return isIntrinsic(value) ? 'intrinsic' : 'literal';
}

function logExports(value: unknown): List<Maybe<string>> | undefined {
  if (value === undefined) return undefined;
  if (isIntrinsic(value)) return unknownValue(value);
  return toList(value).map((v) => str(normalizeCfn(v)) ?? '');
}

/** The group's parameters (names kept as written); unknown for a group named by a literal or defined elsewhere. */
function parametersOf(groupName: unknown, groups: ReadonlyMap<string, Doc>): DbInstance['parameters'] {
  if (groupName === undefined) return undefined;
  const group = groups.get(refTarget(groupName) ?? '');
  if (!group) return unknownValue(groupName);
  if (isIntrinsic(group.Parameters)) return unknownValue(group.Parameters);
  return Object.fromEntries(Object.entries(obj(group.Parameters) ?? {}).map(([k, v]) => [k, str(normalizeCfn(v)) ?? '']));
}
