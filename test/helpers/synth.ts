import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { defineApp } from '../../lib/app';
import type { AppConfigInput } from '../../lib/config/app-config';
import { readCdkJsonContext } from '../../lib/config/load-config';
import { validateConfig } from '../../lib/config/validate-config';
import type { SecureEcsStack } from '../../lib/secure-ecs-stack';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** The feature flags and settings of cdk.json, so tests synthesize exactly what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  return readCdkJsonContext(REPO_ROOT);
}

export interface Defined {
  readonly app: App;
  readonly stack: SecureEcsStack;
}

export interface Synthesized extends Defined {
  /** The app's one synthesis: every validation plugin has run on it (it would have thrown). */
  readonly assembly: CloudAssembly;
  readonly template: Template;
}

export interface SynthOptions {
  /**
   * Record each resource's construct path (`aws:cdk:path`), as the CDK CLI does; what the audit
   * needs to match acknowledgements in a cloud assembly. Off by default, as in the snapshot.
   */
  readonly pathMetadata?: boolean;
  /** Image build contexts other than the repository's containers/ folder (`-c containersDir=`). */
  readonly containersDir?: string;
}

/**
 * Define the app as bin/app.ts does (nag and audit plugins, the guard with control-tower) without
 * synthesizing it, for tests that change the app before its one `app.synth()`.
 */
export function define(input: AppConfigInput = {}, options: SynthOptions = {}): Defined {
  const app = new App({ context: { ...cdkJsonContext(), ...(options.pathMetadata ? { 'aws:cdk:enable-path-metadata': true } : {}) } });
  const stack = defineApp(app, validateConfig({ region: 'eu-west-1', ...input }), { containersDir: options.containersDir });
  return { app, stack };
}

/**
 * Define the app and synthesize it once. Every synthesis runs the validation plugins (aws-cdk-lib
 * synthesize() calls validateTemplates, also for Template.fromStack), so the template is read from
 * this assembly rather than synthesized again; `app.synth()` afterwards returns the same assembly.
 */
export function synth(input: AppConfigInput = {}, options: SynthOptions = {}): Synthesized {
  const { app, stack } = define(input, options);
  const assembly = app.synth();
  return { app, stack, assembly, template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template) };
}

/** The container definitions of the (only) task definition, by container name. */
export function containerDefinitions(template: Template): Record<string, any> {
  const taskDefs = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  if (taskDefs.length !== 1) throw new Error(`expected one task definition, found ${taskDefs.length}`);
  const defs = taskDefs[0].Properties.ContainerDefinitions as any[];
  return Object.fromEntries(defs.map((d) => [d.Name, d]));
}

/** The log group resource (DeletionPolicy and all) a Lambda function of the template logs to (its LoggingConfig). */
export function functionLogGroup(t: Template, fn: Record<string, any>): Record<string, any> {
  const id = fn.LoggingConfig.LogGroup.Ref;
  return t.findResources('AWS::Logs::LogGroup')[id];
}
