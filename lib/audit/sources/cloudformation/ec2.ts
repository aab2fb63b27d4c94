/**
 * EC2 hosts (rules EC2-*, and the AG-*, HD-* and BR-* rules that read user data): launch templates,
 * launch configurations and instances; and EBS volumes.
 */
import { type AuditModel, type BlockDevice, type Host, isUnknown, type Maybe, unknownValue } from '../../model';
import { bottlerocketSetting, bottlerocketSettings } from '../bottlerocket-user-data';
import { bool, list, num, obj, str } from '../ecs-document';
import { agentSettingsOfUserData } from '../../../cfn/agent-settings';
import { userDataText } from '../../../cfn/user-data';
import { cfnField, refTarget, toList } from '../../../cfn/values';
import type { Doc, TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function ec2Resources(ctx: TemplateContext): Partial<AuditModel> {
  const host = hostMapper(ctx);
  return {
    hosts: [
      ...ctx.ofType('AWS::EC2::LaunchTemplate').map(([logicalId, props]) => {
        const d = props.LaunchTemplateData ?? {};
        return host('LaunchTemplate', logicalId, d, {
          associatePublicIp: anyPublicIp(cfnField(d, 'NetworkInterfaces')),
          monitoring: bool(normalizeCfn(cfnField(cfnField(d, 'Monitoring'), 'Enabled'))) ?? false,
        });
      }),
      ...ctx.ofType('AWS::AutoScaling::LaunchConfiguration').map(([logicalId, props]) =>
        host('LaunchConfiguration', logicalId, props, {
          associatePublicIp: bool(normalizeCfn(props.AssociatePublicIpAddress)),
          // Launch configurations enable detailed monitoring unless told otherwise.
          monitoring: bool(normalizeCfn(props.InstanceMonitoring)) ?? true,
        }),
      ),
      ...ctx.ofType('AWS::EC2::Instance').map(([logicalId, props]) =>
        host('Instance', logicalId, props, {
          usesLaunchTemplate: props.LaunchTemplate !== undefined,
          associatePublicIp: anyPublicIp(props.NetworkInterfaces),
          monitoring: bool(normalizeCfn(props.Monitoring)) ?? false,
        }),
      ),
    ],
    ebsVolumes: ctx
      .ofType('AWS::EC2::Volume')
      .map(([logicalId, props]) => ({ id: ctx.id(logicalId), origin: ctx.origin(logicalId), encrypted: bool(normalizeCfn(props.Encrypted)) })),
  };
}

/** The host fields a launch template, launch configuration and instance share. */
function hostMapper(ctx: TemplateContext) {
  const launchers = ecsLaunchers(ctx);
  // `d` may be an intrinsic (a conditional LaunchTemplateData): then every field of it is unknown.
  return (kind: Host['kind'], logicalId: string, d: unknown, extra: Partial<Host>): Host => {
    const field = (key: string) => cfnField(d, key);
    const metadata = field('MetadataOptions');
    const text = userDataText(field('UserData'));
    const userData = text === null ? unknownValue(field('UserData')) : text;
    return {
      id: ctx.id(logicalId),
      origin: ctx.origin(logicalId),
      kind,
      ecs: launchers.has(logicalId) || joinsEcs(userData),
      httpTokens: str(normalizeCfn(cfnField(metadata, 'HttpTokens'))),
      httpEndpoint: str(normalizeCfn(cfnField(metadata, 'HttpEndpoint'))),
      hopLimit: num(normalizeCfn(cfnField(metadata, 'HttpPutResponseHopLimit'))),
      blockDevices: blockDevices(field('BlockDeviceMappings')) ?? [],
      userData,
      bottlerocket: bottlerocketSettings(typeof userData === 'string' ? userData : undefined),
      agentSettings: typeof userData === 'string' ? agentSettingsOfUserData(userData) : undefined,
      imageId: str(normalizeCfn(field('ImageId'))),
      imageSsmParameter: ssmParameter(ctx.parameters, field('ImageId')),
      ...extra,
    };
  };
}

/** Launch templates and configurations behind an ECS capacity provider's auto scaling group launch container instances. */
function ecsLaunchers(ctx: TemplateContext): Set<string> {
  const groups = new Set(
    ctx.ofType('AWS::ECS::CapacityProvider').flatMap(([, props]) => refTarget(obj(props.AutoScalingGroupProvider)?.AutoScalingGroupArn) ?? []),
  );
  const launchers = new Set<string>();
  for (const [logicalId, props] of ctx.ofType('AWS::AutoScaling::AutoScalingGroup')) {
    if (!groups.has(logicalId)) continue;
    const mixed = obj(obj(obj(props.MixedInstancesPolicy)?.LaunchTemplate)?.LaunchTemplateSpecification);
    for (const ref of [obj(props.LaunchTemplate)?.LaunchTemplateId, mixed?.LaunchTemplateId, props.LaunchConfigurationName]) {
      const target = refTarget(ref);
      if (target) launchers.add(target);
    }
  }
  return launchers;
}

/** Whether user data joins an ECS cluster (the agent reads /etc/ecs/ecs.config). */
function joinsEcs(userData: Maybe<string> | undefined): boolean {
  if (typeof userData !== 'string') return false;
  return /ECS_CLUSTER|\/etc\/ecs\/ecs\.config/.test(userData) || bottlerocketSetting(bottlerocketSettings(userData) ?? {}, 'ecs.cluster') !== undefined;
}

/** The SSM parameter an AMI id is resolved from: an `AWS::SSM::Parameter::Value` parameter's default, or `{{resolve:ssm:...}}`. */
function ssmParameter(parameters: Doc, imageId: unknown): string | undefined {
  const param = obj(parameters[refTarget(imageId) ?? '']);
  if (param && String(param.Type).startsWith('AWS::SSM::Parameter::Value') && typeof param.Default === 'string') return param.Default;
  const resolve = typeof imageId === 'string' ? /^\{\{resolve:ssm:([^}:]+)/.exec(imageId) : null;
  return resolve?.[1];
}

function anyPublicIp(interfaces: unknown): Maybe<boolean> | undefined {
  const values = toList(interfaces).map((n) => bool(normalizeCfn(cfnField(n, 'AssociatePublicIpAddress'))));
  return values.find((v) => v === true) ?? values.find((v) => isUnknown(v)) ?? (values.length ? false : undefined);
}

function blockDevices(value: unknown): BlockDevice[] | undefined {
  const mapped = list(normalizeCfn(value), (b) => {
    const ebs = obj(b.ebs);
    return { deviceName: str(b.deviceName), ebs: ebs !== undefined, encrypted: ebs ? bool(ebs.encrypted) : undefined };
  });
  return mapped === undefined || isUnknown(mapped) ? undefined : [...mapped];
}
