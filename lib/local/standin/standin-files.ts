/**
 * The stand-in database's local secrets, kept between starts like its data volume: the login the
 * runner generated on first start (what RDS keeps in the master secret), and a local CA with the
 * server certificate it issued for the stand-in's host name. They live in the runner's cache
 * directory (`<cache>/standin/<task>/`, mode 0700, files 0600; the CA certificate 0644 because the
 * app reads it), never in the project and never in any output. `local down --volumes` removes them
 * with the data.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerEngine } from '../engines/container-engine';
import { LocalStepError } from '../errors';
import { cacheDir } from '../host/cache-dir';

export interface StandinCredentials {
  readonly username: string;
  readonly password: string;
}

export interface StandinTls {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

const TLS_FILES: Record<keyof StandinTls, string> = { caCert: 'ca.crt', caKey: 'ca.key', serverCert: 'server.crt', serverKey: 'server.key' };

/**
 * A CA and a server certificate for `STANDIN_HOST` (P-256, ten years), made with the stand-in image's
 * openssl in a one-off container without network; the four PEM blocks leave on its stdout, which the
 * runner reads and never prints.
 */
const TLS_SCRIPT = `set -eu
umask 077
cd /tmp
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 3650 \\
  -subj "/CN=secure-ecs local RDS stand-in CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=$STANDIN_HOST" 2>/dev/null
printf 'subjectAltName=DNS:%s\\nbasicConstraints=critical,CA:FALSE\\nextendedKeyUsage=serverAuth\\nkeyUsage=critical,digitalSignature\\n' "$STANDIN_HOST" > ext.cnf
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 3650 -extfile ext.cnf 2>/dev/null
cat ca.crt ca.key server.crt server.key`;

/** The four PEM blocks of TLS_SCRIPT's output, in its order. Pure. */
export function parseTlsOutput(output: string): StandinTls {
  const blocks = output.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g) ?? [];
  const kinds = blocks.map((b) => /-----BEGIN ([A-Z ]+)-----/.exec(b)![1]);
  if (JSON.stringify(kinds) !== JSON.stringify(['CERTIFICATE', 'PRIVATE KEY', 'CERTIFICATE', 'PRIVATE KEY']))
    throw new Error(`openssl gave ${kinds.length} PEM blocks (${kinds.join(', ') || 'none'}), not a CA and a server certificate with their keys`);
  return { caCert: `${blocks[0]}\n`, caKey: `${blocks[1]}\n`, serverCert: `${blocks[2]}\n`, serverKey: `${blocks[3]}\n` };
}

/** A login made of [a-z0-9_] only (start-standin refuses anything else before it goes into SQL). */
export function generateCredentials(): StandinCredentials {
  return { username: `app_${randomBytes(4).toString('hex')}`, password: randomBytes(24).toString('hex') };
}

export class StandinFiles {
  /** The folder holding every task's stand-in files, one per task name. */
  static root(): string {
    return path.join(cacheDir(), 'standin');
  }
  readonly dir: string;
  constructor(readonly taskName: string) {
    this.dir = path.join(StandinFiles.root(), taskName);
  }
  get caCertFile(): string {
    return path.join(this.dir, TLS_FILES.caCert);
  }
  private get credentialsFile(): string {
    return path.join(this.dir, 'credentials.json');
  }
  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
  }

  /** The login generated on the first start, or a new one. */
  credentials(): StandinCredentials {
    if (existsSync(this.credentialsFile)) {
      const c = JSON.parse(readFileSync(this.credentialsFile, 'utf8')) as Partial<StandinCredentials>;
      if (typeof c.username === 'string' && typeof c.password === 'string') return { username: c.username, password: c.password };
    }
    const created = generateCredentials();
    this.ensureDir();
    writeFileSync(this.credentialsFile, JSON.stringify(created), { mode: 0o600 });
    return created;
  }

  /** The CA and server certificate: kept from an earlier start when issued for `host`, else made now. */
  async tls(engine: ContainerEngine, image: string, host: string, labels: Record<string, string>): Promise<StandinTls> {
    const read = () =>
      Object.fromEntries(Object.entries(TLS_FILES).map(([k, f]) => [k, readFileSync(path.join(this.dir, f), 'utf8')])) as unknown as StandinTls;
    if ([...Object.values(TLS_FILES), 'host'].every((f) => existsSync(path.join(this.dir, f))) && readFileSync(path.join(this.dir, 'host'), 'utf8') === host)
      return read();
    const r = await engine.runOnce({
      image,
      entrypoint: ['sh'],
      cmd: ['-c', TLS_SCRIPT],
      env: { STANDIN_HOST: host },
      labels,
      tmpfs: ['/tmp'],
      timeoutMs: 60_000,
    });
    if (r.code !== 0) throw new LocalStepError('database stand-in', `openssl in the stand-in image exited with ${r.code}`);
    let tls: StandinTls;
    try {
      tls = parseTlsOutput(r.output);
    } catch (e) {
      throw new LocalStepError('database stand-in', (e as Error).message);
    }
    this.ensureDir();
    for (const [k, f] of Object.entries(TLS_FILES)) writeFileSync(path.join(this.dir, f), tls[k as keyof StandinTls], { mode: k === 'caCert' ? 0o644 : 0o600 });
    writeFileSync(path.join(this.dir, 'host'), host, { mode: 0o600 });
    return tls;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
