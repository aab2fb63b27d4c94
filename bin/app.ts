#!/usr/bin/env node
/**
 * CDK entry point: the only place that reads context, files or the environment. The configuration
 * is validated here and flows down to the constructs as typed props.
 */
import { App } from 'aws-cdk-lib';
import { defineApp } from '../lib/app';
import { resolveConfig } from '../lib/config/resolve-config';
import { ConfigError } from '../lib/config/validate-config';

const app = new App();
try {
  const config = resolveConfig((key) => app.node.tryGetContext(key));
  defineApp(app, config, { fallbackRegion: process.env.CDK_DEFAULT_REGION });
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
app.synth();
