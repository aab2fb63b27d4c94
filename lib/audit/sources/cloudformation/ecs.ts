/** ECS resources (rules SVC-*, TS-*, CL-*, CP-*, TD-*): task definitions, services, task sets, clusters, capacity providers. */
import type { AuditModel } from '../../model';
import { capacityProviderFromDocument, clusterFromDocument, serviceFromDocument, str, taskDefinitionFromDocument, taskSetFromDocument } from '../ecs-document';
import { refTarget } from '../../../cfn/values';
import type { Doc, TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function ecsResources(ctx: TemplateContext): Partial<AuditModel> {
  const { id, origin } = ctx;
  return {
    taskDefinitions: ctx
      .ofType('AWS::ECS::TaskDefinition')
      .map(([logicalId, props]) => taskDefinitionFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId))),
    services: ctx.ofType('AWS::ECS::Service').map(([logicalId, props]) => {
      const target = refTarget(props.TaskDefinition);
      const taskDefinition = target ? id(target) : str(normalizeCfn(props.TaskDefinition));
      return serviceFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId), taskDefinition);
    }),
    taskSets: ctx.ofType('AWS::ECS::TaskSet').map(([logicalId, props]) => taskSetFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId))),
    clusters: ctx.ofType('AWS::ECS::Cluster').map(([logicalId, props]) => clusterFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId))),
    capacityProviders: ctx
      .ofType('AWS::ECS::CapacityProvider')
      .map(([logicalId, props]) => capacityProviderFromDocument(normalizeCfn(props) as Doc, id(logicalId), origin(logicalId))),
  };
}
