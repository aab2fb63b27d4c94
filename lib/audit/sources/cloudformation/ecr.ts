/** ECR repositories (rules ECR-*). */
import type { AuditModel } from '../../model';
import { bool, str } from '../ecs-document';
import { cfnField, isIntrinsic } from '../../../cfn/values';
import type { TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function ecrResources(ctx: TemplateContext): Partial<AuditModel> {
  return {
    ecrRepositories: ctx.ofType('AWS::ECR::Repository').map(([logicalId, props]) => ({
      id: ctx.id(logicalId),
      origin: ctx.origin(logicalId),
      scanOnPush: bool(normalizeCfn(cfnField(props.ImageScanningConfiguration, 'ScanOnPush'))),
      tagMutability: str(normalizeCfn(props.ImageTagMutability)),
      encryptionType: str(normalizeCfn(cfnField(props.EncryptionConfiguration, 'EncryptionType'))),
      // A conditional policy (`Fn::If`) may have one: unknown values never produce a finding.
      hasLifecyclePolicy: isIntrinsic(props.LifecyclePolicy) || cfnField(props.LifecyclePolicy, 'LifecyclePolicyText') !== undefined,
    })),
  };
}
