/**
 * Task definition file source: `aws ecs describe-task-definition` output (`{"taskDefinition": {...}}`)
 * or a bare task definition / `register-task-definition --cli-input-json` input.
 */
import * as path from 'node:path';
import { AuditInputError } from '../errors';
import { type AuditModel, emptyModel } from '../model';
import { obj, taskDefinitionFromDocument } from './ecs-document';
import { readJson } from './read-json';

export function taskDefinitionModel(json: unknown, file: string): AuditModel {
  const root = obj(json);
  const doc = obj(root?.taskDefinition) ?? root;
  if (!doc || !Array.isArray(doc.containerDefinitions)) {
    throw new AuditInputError(`${file} is not an ECS task definition (no containerDefinitions array)`);
  }
  // The ARN when the file came from DescribeTaskDefinition, so findings match a live audit's.
  const id =
    typeof doc.taskDefinitionArn === 'string'
      ? doc.taskDefinitionArn
      : typeof doc.family === 'string'
        ? `${doc.family}${typeof doc.revision === 'number' ? `:${doc.revision}` : ''}`
        : path.basename(file);
  const model = emptyModel();
  model.taskDefinitions.push(taskDefinitionFromDocument(doc, id, { kind: 'task-definition-file', file }));
  return model;
}

/** `--task-definition-file PATH`. */
export function loadTaskDefinitionFile(file: string): AuditModel {
  return taskDefinitionModel(readJson(file).json, file);
}
