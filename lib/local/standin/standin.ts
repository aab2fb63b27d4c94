/**
 * The local RDS stand-in from build to healthy: its image (containers/database-standin, one target
 * per engine, tagged with the hash of its files so an unchanged one is never rebuilt), its login and
 * TLS files (standin-files.ts), the values of the task's secrets that read the RDS-managed master
 * secret, and its start before the task's containers: an internal network, the data volume, the
 * container, and a wait until the server answers.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerEngine, EngineCapabilities } from '../engines/container-engine';
import { LocalStepError } from '../errors';
import type { HostFacts } from '../host/host-facts';
import { ensureBaseImage, baseImages } from '../images';
import { pollUntil } from '../poll';
import type { Reporter } from '../progress';
import type { FieldReport } from '../spec';
import { localSecretId } from '../translate/container';
import { StandinFiles, type StandinCredentials, type StandinTls } from './standin-files';
import { standinSpec, type StandinSpec } from './standin-spec';
import { masterSecretKey, standinHost, type TemplateDatabase } from './template-database';
import { isObject } from '../../util/is-object';

/** Where a project keeps the stand-in's image (the starter's own; a fork keeps it). */
const STANDIN_CONTEXT = path.join('containers', 'database-standin');

/** The server's first start (initdb / mariadb-install-db) included; measured 3-8 s here. */
const READY_DEADLINE_MS = 120_000;

export interface PreparedStandin {
  readonly db: TemplateDatabase;
  readonly spec: StandinSpec;
  readonly credentials: StandinCredentials;
  readonly caFile: string;
  readonly files: StandinFiles;
  readonly tls: StandinTls;
}

/** The image tag: the engine and a hash of the build context's files. */
function standinImageRef(contextDir: string, engine: string): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(contextDir)
    .filter((n) => n !== 'README.md')
    .sort())
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(path.join(contextDir, f)));
  return `localhost/secure-ecs-database-standin:${engine}-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The values of the task's secrets that read the database's master secret (`username`/`password`),
 * by the local secret id the translation gives them. Pure.
 */
export function standinSecretValues(
  properties: Record<string, unknown>,
  taskName: string,
  db: TemplateDatabase,
  creds: StandinCredentials,
): Map<string, { value: string; key: 'username' | 'password'; envName: string; container: string }> {
  const out = new Map<string, { value: string; key: 'username' | 'password'; envName: string; container: string }>();
  for (const def of (Array.isArray(properties.ContainerDefinitions) ? properties.ContainerDefinitions : []).filter(isObject)) {
    for (const s of (Array.isArray(def.Secrets) ? def.Secrets : []).filter(isObject)) {
      const key = masterSecretKey(s.ValueFrom, db);
      if (!key) continue;
      const container = String(def.Name);
      out.set(localSecretId(taskName, container, String(s.Name)), { value: creds[key], key, envName: String(s.Name), container });
    }
  }
  return out;
}

/** Build the image (when its files changed) and read or create the login and the TLS files. */
export async function prepareStandin(
  engine: ContainerEngine,
  facts: HostFacts,
  o: { db: TemplateDatabase; taskName: string; projectDir: string; labelKey: string },
  r: Reporter,
): Promise<PreparedStandin> {
  const contextDir = path.join(o.projectDir, STANDIN_CONTEXT);
  let image: string;
  try {
    image = standinImageRef(contextDir, o.db.engine);
  } catch {
    throw new LocalStepError('database stand-in', `the template has a database (${o.db.logicalId}), and ${STANDIN_CONTEXT} (the stand-in's image) is missing`);
  }
  if (await engine.imageExists(image)) r.info(`image database stand-in (${o.db.engine}): ${image.replace(/:(.{20}).*/, ':$1…')} is current (cached)`);
  else {
    for (const base of baseImages(readFileSync(path.join(contextDir, 'Dockerfile'), 'utf8'))) await ensureBaseImage(engine, facts, base, r);
    await r.step(`image database stand-in: ${engine.info.kind} build ${STANDIN_CONTEXT} (${o.db.engine})`, (s) =>
      engine.buildImage({ tag: image, contextDir, dockerfile: 'Dockerfile', labels: {}, buildArgs: {}, target: o.db.engine }, (l) => {
        if (/^(STEP \d+\/\d+|Step \d+\/\d+|Setting up|COMMIT|Successfully)/.test(l)) s.update(l);
      }),
    );
  }
  const files = new StandinFiles(o.taskName);
  const host = standinHost(o.db);
  const spec = standinSpec(o.taskName, o.db, { image, alias: host, labelKey: o.labelKey });
  const credentials = files.credentials();
  const tls = await r.step('database stand-in: TLS certificate of the local CA', () => files.tls(engine, image, host, { [o.labelKey]: o.taskName }));
  return { db: o.db, spec, credentials, caFile: files.caCertFile, files, tls };
}

/** Create the stand-in's network, volume and container, start it and wait until the server answers. */
export async function startStandin(engine: ContainerEngine, s: PreparedStandin, labelKey: string, r: Reporter): Promise<void> {
  const labels = { [labelKey]: s.spec.labels[labelKey] };
  await r.step(`start the ${s.db.engine} stand-in ${s.spec.engineName} (outside the task, as RDS is)`, async (h) => {
    h.update(`network ${s.spec.network}`);
    await engine.createNetwork(s.spec.network, labels);
    const { created } = await engine.ensureVolume({ name: s.spec.volume }, labels, s.spec.image);
    h.update(`volume ${s.spec.volume} (${created ? 'new' : 'kept from an earlier start'})`);
    const tls = s.tls;
    const secrets = new Map([
      ['STANDIN_DB_USER', s.credentials.username],
      ['STANDIN_DB_PASSWORD', s.credentials.password],
      ['STANDIN_TLS_CERT', tls.serverCert],
      ['STANDIN_TLS_KEY', tls.serverKey],
    ]);
    await engine.createStandin(s.spec, secrets);
    await engine.startContainer(s.spec.engineName);
    h.update('waiting for the server');
    const ready = await pollUntil(
      async () => {
        const st = (await engine.inspectContainers([s.spec.engineName])).get(s.spec.engineName);
        if (st?.status !== 'running') return 'exited' as const;
        return (await engine.exec(s.spec.engineName, s.spec.healthCmd, { timeoutMs: 10_000 })).code === 0 ? ('ready' as const) : undefined;
      },
      { everyMs: 500, deadlineMs: READY_DEADLINE_MS },
    );
    if (ready !== 'ready') {
      const tail: string[] = [];
      await engine.logs(s.spec.engineName, { follow: false, tail: 15 }, (l) => tail.push(l)).done;
      throw new LocalStepError(
        'database stand-in',
        ready === 'exited' ? `${s.spec.engineName} exited before it answered` : `${s.spec.engineName} did not answer within ${READY_DEADLINE_MS / 1000} s`,
        tail,
      );
    }
  });
}

/** What the stand-in honours of the RDS instance, and what it does not, as field reports. Pure. */
export function standinFields(
  s: Pick<PreparedStandin, 'db' | 'spec'>,
  secretEnvs: { container: string; envName: string; key: string }[],
  secretsAs: EngineCapabilities['secrets'],
  isolated: boolean,
): FieldReport[] {
  const how =
    secretsAs === 'api-environment'
      ? "in the API request's environment (in no command line; `docker inspect` shows it, as on an ECS host)"
      : 'as podman secrets of type env (in no command line, not in `podman inspect`)';
  const at = `rds.${s.db.logicalId}`;
  const f = (path: string, outcome: FieldReport['outcome'], detail: string) => ({ path: `${at}.${path}`, outcome, detail });
  return [
    f(
      'Engine',
      'deviation',
      `the RDS stand-in: Debian's ${s.db.engine} server in container ${s.spec.engineName}, outside the task, started before it; ${s.spec.alias}:${s.db.port} ` +
        (isolated
          ? `on the internal network ${s.spec.network}`
          : `on podman's default network (the pod has its address there as ${s.spec.alias} in /etc/hosts), where the other containers on that network reach it too`),
    ),
    f(
      'Hardening',
      'honoured',
      `non-root (${s.spec.user}), read-only root, no capabilities, no-new-privileges, ${s.spec.memoryMiB} MiB, ${s.spec.pidsLimit} processes`,
    ),
    f(
      'TLS',
      'deviation',
      s.db.engine === 'mariadb'
        ? 'required by the server (require_secure_transport=ON, logins REQUIRE SSL); certificate from a local CA the runner made (kept in its cache dir), not the RDS CA'
        : 'required by the server (pg_hba.conf: hostssl only, host rejected); certificate from a local CA the runner made (kept in its cache dir), not the RDS CA',
    ),
    f('Storage', 'deviation', `engine volume ${s.spec.volume}, kept between starts (\`local down --volumes\` removes it); not encrypted at rest by the runner`),
    f(
      'ManageMasterUserPassword',
      'deviation',
      `a login the runner generated on the first start, kept in its cache dir (mode 0600), never printed; it and the server key reach the stand-in ${how}`,
    ),
    f('BackupRetentionPeriod', 'not-honoured', 'no automated backups, snapshots, Multi-AZ or deletion protection locally'),
    isolated
      ? {
          path: 'task.Egress',
          outcome: s.db.internetHttps ? 'deviation' : 'honoured',
          detail:
            `the task's only network is the internal ${s.spec.network} (no route out, no address of this machine): it reaches the stand-in database and nothing else; the published port reaches it through an ingress relay container` +
            (s.db.internetHttps ? '. HTTPS to the internet, which the template allows (egress.internetHttps), is blocked locally' : ''),
        }
      : {
          path: 'task.Egress',
          outcome: 'not-honoured',
          detail:
            "the pod is on podman's default network only, which reaches the stand-in and everything else (egress is not restricted on podman): " +
            "with the stand-in's internal network as well, podman 4.3's CNI port mapping may forward the published port to the pod's address on the internal network, which this machine has no route to",
        },
    ...secretEnvs.map((e) => ({
      path: `${e.container}.Secrets.${e.envName}`,
      outcome: 'deviation' as const,
      detail: `the stand-in's ${e.key} (the master secret's JSON key ${e.key}), never printed, ${how}`,
    })),
  ];
}
