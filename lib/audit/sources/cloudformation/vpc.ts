/** VPCs (rules VPC-*): whether a flow log names each. */
import type { AuditModel } from '../../model';
import { refTarget } from '../../../cfn/values';
import type { TemplateContext } from './context';

export function vpcResources(ctx: TemplateContext): Partial<AuditModel> {
  const flowLogVpcs = new Set(ctx.ofType('AWS::EC2::FlowLog').map(([, props]) => refTarget(props.ResourceId)));
  return {
    vpcs: ctx.ofType('AWS::EC2::VPC').map(([logicalId]) => ({ id: ctx.id(logicalId), origin: ctx.origin(logicalId), hasFlowLog: flowLogVpcs.has(logicalId) })),
  };
}
