/**
 * The TLS probes against real HTTPS listeners on 127.0.0.1 with certificates made by OpenSSL in the
 * test (a private authority passed as `ca`, as NODE_EXTRA_CA_CERTS does for the CLI): the protocol
 * versions a listener accepts, its certificate, the plain-HTTP redirect, HSTS.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { ServerOptions } from 'node:https';
import { runVerify, type VerifyReport } from '../../lib/verify/run-verify';
import { parseTarget } from '../../lib/verify/target';
import { hardenedHandler, type Running, startHttp, startHttps } from './helpers/servers';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('verify-tls-');

/** A self-signed certificate for localhost and 127.0.0.1, valid `days` days. */
function certificate(name: string, days: number): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', String(days)].concat([
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]),
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

const valid = certificate('valid', 90);
const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

const redirectTo =
  (httpsPort: number): http.RequestListener =>
  (req, res) => {
    res.writeHead(301, { Location: `https://localhost:${httpsPort}${req.url}` });
    res.end();
  };

async function verifyHttps(tls: ServerOptions, options: { hsts?: boolean; redirect?: boolean; ca?: Buffer } = {}): Promise<VerifyReport> {
  const server = await startHttps(hardenedHandler({ hsts: options.hsts ?? true }), tls);
  const plain = await startHttp(options.redirect === false ? hardenedHandler() : redirectTo(server.port));
  running.push(server, plain);
  return runVerify({ target: parseTarget(`https://localhost:${server.port}/`), httpPort: plain.port, slowClientSeconds: 3, ca: options.ca ?? valid.cert });
}

const verdict = (r: VerifyReport, id: string) => r.verdicts.find((v) => v.id === id)!;
const failed = (r: VerifyReport) => r.verdicts.filter((v) => v.outcome === 'fails').map((v) => v.id);

test('a TLS 1.2+ listener with a valid certificate, an HTTP redirect and HSTS holds every probe', async () => {
  const r = await verifyHttps({ ...valid, minVersion: 'TLSv1.2' });
  expect(failed(r)).toEqual([]);
  expect(verdict(r, 'tls-versions').detail).toBe('accepts TLSv1.2, TLSv1.3; refuses TLSv1, TLSv1.1');
  expect(verdict(r, 'tls-certificate').detail).toMatch(/^verifies; valid for (89|90) more days$/);
  expect(verdict(r, 'https-redirect').detail).toMatch(/^301 to https:\/\/localhost:\d+\/$/);
  expect(verdict(r, 'hsts').detail).toBe('max-age=31536000');
  expect(r.holds).toBe(true);
});

test('a listener that still accepts TLS 1.0 and 1.1 fails tls-versions, naming them', async () => {
  // OpenSSL 3 offers TLS 1.0/1.1 only at security level 0, on the server as on the probe's client.
  const r = await verifyHttps({ ...valid, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
  expect(failed(r)).toEqual(['tls-versions']);
  expect(verdict(r, 'tls-versions').detail).toBe('accepts TLSv1, TLSv1.1, TLSv1.2, TLSv1.3; refuses none: TLSv1 and TLSv1.1 must be refused');
});

test('a certificate no trusted authority signed, or one about to end, fails tls-certificate', async () => {
  const untrusted = await verifyHttps({ ...valid }, { ca: certificate('other', 90).cert });
  // Nothing else is sent to a listener that cannot prove who it is.
  expect(verdict(untrusted, 'tls-certificate').detail).toBe('the certificate does not verify: "DEPTH_ZERO_SELF_SIGNED_CERT"');
  expect(verdict(untrusted, 'serves').detail).toBe('not run: tls-certificate failed');
  expect(untrusted.requests).toBe(1);
  const ending = certificate('ending', 5);
  const soon = await verifyHttps({ ...ending }, { ca: ending.cert });
  expect(failed(soon)).toEqual(['tls-certificate']);
  expect(verdict(soon, 'tls-certificate').detail).toMatch(/^the certificate ends in [45] days \(".*GMT"\)$/);
});

test('a redirect to plain HTTP fails, and the Location is shown with its query values masked', async () => {
  const server = await startHttps(hardenedHandler({ hsts: true }), valid);
  const plain = await startHttp((req, res) => {
    res.writeHead(302, { Location: `http://localhost:${server.port}${req.url}` });
    res.end();
  });
  running.push(server, plain);
  const r = await runVerify({
    target: parseTarget(`https://localhost:${server.port}/?token=s3cret`),
    httpPort: plain.port,
    slowClientSeconds: 3,
    ca: valid.cert,
    only: ['https-redirect'],
  });
  expect(verdict(r, 'https-redirect').detail).toBe(`plain HTTP redirects to "http://localhost:${server.port}/?token=***", not to https://localhost`);
});

test('no redirect on plain HTTP and no HSTS fail https-redirect and hsts', async () => {
  const r = await verifyHttps({ ...valid }, { hsts: false, redirect: false });
  expect(failed(r)).toEqual(['https-redirect', 'hsts']);
  expect(verdict(r, 'https-redirect').detail).toMatch(/^plain HTTP on port \d+ answered 200, not a redirect$/);
  expect(verdict(r, 'hsts').detail).toBe('no Strict-Transport-Security header');
});
