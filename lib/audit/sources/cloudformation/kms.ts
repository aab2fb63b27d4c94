/** KMS keys (rules KMS-*): rotation, key spec and key policy. */
import type { AuditModel } from '../../model';
import { bool, str } from '../ecs-document';
import type { TemplateContext } from './context';
import { normalizeCfn } from './normalize';
import { statements } from './policy-document';

export function kmsResources(ctx: TemplateContext): Partial<AuditModel> {
  return {
    kmsKeys: ctx.ofType('AWS::KMS::Key').map(([logicalId, props]) => ({
      id: ctx.id(logicalId),
      origin: ctx.origin(logicalId),
      enableKeyRotation: bool(normalizeCfn(props.EnableKeyRotation)),
      keySpec: str(normalizeCfn(props.KeySpec)),
      policyStatements: statements(props.KeyPolicy),
    })),
  };
}
