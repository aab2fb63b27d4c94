#!/usr/bin/env node
/**
 * CDK entry point: the only place that reads context, files or the environment. The configuration
 * is validated here and flows down to the constructs as typed props.
 */
import { App } from 'aws-cdk-lib';
import { defineApp } from '../lib/app';
import { resolveConfig } from '../lib/config/resolve-config';
import { defineOrExit } from '../lib/config/define-or-exit';

const app = new App();
defineOrExit(() => {
  const config = resolveConfig((key) => app.node.tryGetContext(key));
  defineApp(app, config, { fallbackRegion: process.env.CDK_DEFAULT_REGION });
});
app.synth();
