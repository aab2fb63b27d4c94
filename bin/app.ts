#!/usr/bin/env node
/**
 * CDK entry point: the only place that reads context, files or the environment. The configuration
 * is validated here and flows down to the constructs as typed props.
 */
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { defineApp } from '../lib/app';
import { resolveConfig } from '../lib/config/resolve-config';
import { defineOrExit } from '../lib/config/define-or-exit';

const app = new App();
defineOrExit(() => {
  const config = resolveConfig((key) => app.node.tryGetContext(key));
  // `-c containersDir=<dir>`: image build contexts other than the repository's containers/ folder
  // (one folder per container: app/, proxy/), for trying an app without copying it in.
  const containersDir = app.node.tryGetContext('containersDir');
  defineApp(app, config, {
    fallbackRegion: process.env.CDK_DEFAULT_REGION,
    containersDir: typeof containersDir === 'string' ? path.resolve(containersDir) : undefined,
  });
});
app.synth();
