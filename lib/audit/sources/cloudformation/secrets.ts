/** Secrets Manager secrets (rules SM-*): the KMS key each is encrypted with. */
import type { AuditModel } from '../../model';
import { str } from '../ecs-document';
import type { TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function secretsResources(ctx: TemplateContext): Partial<AuditModel> {
  return {
    secrets: ctx
      .ofType('AWS::SecretsManager::Secret')
      .map(([logicalId, props]) => ({ id: ctx.id(logicalId), origin: ctx.origin(logicalId), kmsKeyId: str(normalizeCfn(props.KmsKeyId)) })),
  };
}
