import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { containerDefinitions, REPO_ROOT, synth } from './helpers/synth';

// The real binaries (installed by .ci/run): nginx checks the rendered proxy config, php lints the app.
const CONTAINERS = path.join(REPO_ROOT, 'containers');
const RENDER = path.join(CONTAINERS, 'proxy', 'render-nginx-config');
const TEMPLATE = path.join(CONTAINERS, 'proxy', 'nginx.conf.template');

function filesUnder(dir: string, accept: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, accept) : accept(full) ? [full] : [];
  });
}

/** The proxy environment exactly as the synthesized task definition sets it. */
const proxyEnvironment: Record<string, string> = Object.fromEntries(
  containerDefinitions(synth().template).proxy.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]),
);

function render(env: Record<string, string>) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'nginx-conf-')), 'nginx.conf');
  const result = spawnSync(RENDER, [TEMPLATE, out], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return { out, ...result };
}

function nginxTest(conf: string) {
  // stdout goes to /dev/null: nginx opens /dev/stdout for its access log, and jest's stdio
  // sockets cannot be reopened that way (ENXIO); in the container it is a pipe.
  return spawnSync('nginx', ['-t', '-q', '-c', conf], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('nginx config', () => {
  test('rendered with the task definition environment, it passes nginx -t', () => {
    const r = render(proxyEnvironment);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const check = nginxTest(r.out);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const conf = readFileSync(r.out, 'utf8');
    expect(conf).toContain('rate=10r/s');
    expect(conf).toMatch(/burst=20 nodelay/);
    expect(conf).toContain('set_real_ip_from 10.0.0.0/26;');
    expect(conf).toContain('set_real_ip_from 10.0.0.64/26;');
  });

  test('non-default settings render and pass nginx -t', () => {
    const r = render({ ...proxyEnvironment, RATE_LIMIT_PER_SECOND: '3', RATE_LIMIT_BURST: '0', TRUSTED_PROXY_CIDRS: '10.1.0.0/24,fd00::/8' });
    expect(r.status).toBe(0);
    expect(nginxTest(r.out).status).toBe(0);
    const conf = readFileSync(r.out, 'utf8');
    expect(conf).toContain('rate=3r/s');
    expect(conf).toContain('set_real_ip_from fd00::/8;');
  });

  test('the config carries the hardening directives', () => {
    const conf = readFileSync(render(proxyEnvironment).out, 'utf8');
    for (const directive of [
      'server_tokens off;',
      'limit_req_status 429;',
      'limit_conn_status 429;',
      'real_ip_header X-Forwarded-For;',
      'real_ip_recursive on;',
      'listen 8080',
      'pid /tmp/nginx/nginx.pid;',
      'fastcgi_hide_header X-Powered-By;',
      'Retry-After',
      'X-Content-Type-Options',
    ]) {
      expect(conf).toContain(directive);
    }
  });

  test.each([
    ['RATE_LIMIT_PER_SECOND', '0'],
    ['RATE_LIMIT_PER_SECOND', 'ten'],
    ['RATE_LIMIT_BURST', '-1'],
    ['TRUSTED_PROXY_CIDRS', ''],
    ['TRUSTED_PROXY_CIDRS', '10.0.0.0/26;evil'],
  ])('an invalid %s=%j stops start-up with a message naming it', (name, value) => {
    const r = render({ ...proxyEnvironment, [name]: value });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(name);
  });

  test('every variable the task definition sets is one the proxy reads, and vice versa', () => {
    const script = readFileSync(RENDER, 'utf8');
    for (const name of Object.keys(proxyEnvironment)) expect(script).toContain(name);
  });
});

test.each(filesUnder(path.join(CONTAINERS, 'app', 'src'), (f) => f.endsWith('.php')).map((f) => [path.relative(REPO_ROOT, f)]))(
  'php -l %s',
  (file) => {
    expect(execFileSync('php', ['-l', path.join(REPO_ROOT, file)], { encoding: 'utf8' })).toContain('No syntax errors');
  },
);

test('the container scripts pass shellcheck', () => {
  const scripts = filesUnder(CONTAINERS, (f) => readFileSync(f, 'utf8').startsWith('#!/bin/sh') || readFileSync(f, 'utf8').startsWith('#!/bin/bash') || readFileSync(f, 'utf8').startsWith('#!/usr/bin/env bash'));
  expect(scripts.length).toBeGreaterThanOrEqual(3);
  expect(() => execFileSync('shellcheck', scripts, { stdio: 'pipe' })).not.toThrow();
});
