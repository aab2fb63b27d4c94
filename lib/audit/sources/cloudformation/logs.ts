/** CloudWatch log groups (rules CWL-*). */
import type { AuditModel } from '../../model';
import { num, str } from '../ecs-document';
import type { TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function logsResources(ctx: TemplateContext): Partial<AuditModel> {
  return {
    logGroups: ctx.ofType('AWS::Logs::LogGroup').map(([logicalId, props]) => ({
      id: ctx.id(logicalId),
      origin: ctx.origin(logicalId),
      retentionInDays: num(normalizeCfn(props.RetentionInDays)),
      kmsKeyId: str(normalizeCfn(props.KmsKeyId)),
    })),
  };
}
