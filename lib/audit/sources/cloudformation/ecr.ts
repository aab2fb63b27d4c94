/** ECR repositories (rules ECR-*). */
import type { AuditModel } from '../../model';
import { bool, obj, str } from '../ecs-document';
import type { TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function ecrResources(ctx: TemplateContext): Partial<AuditModel> {
  return {
    ecrRepositories: ctx.ofType('AWS::ECR::Repository').map(([logicalId, props]) => ({
      id: ctx.id(logicalId),
      origin: ctx.origin(logicalId),
      scanOnPush: bool(normalizeCfn(obj(props.ImageScanningConfiguration)?.ScanOnPush)),
      tagMutability: str(normalizeCfn(props.ImageTagMutability)),
      encryptionType: str(normalizeCfn(obj(props.EncryptionConfiguration)?.EncryptionType)),
      hasLifecyclePolicy: obj(props.LifecyclePolicy)?.LifecyclePolicyText !== undefined,
    })),
  };
}
