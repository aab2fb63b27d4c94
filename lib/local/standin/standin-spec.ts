/**
 * The stand-in database as the engines create it: its own container outside the task (RDS is not part
 * of the task either), on an internal engine network that the task's network namespace joins (on
 * podman it also joins the default network, where the pod reaches it), under the host name the task's
 * DB_HOST resolves to, with its data in an engine volume kept between starts.
 * Hardened as far as the server allows: non-root (the image's uid 999), read-only root, no
 * capabilities, no-new-privileges, limits of its own; only the volume and a 16 MiB tmpfs (socket, TLS
 * key, init SQL) are writable. Pure; rendered by engines/docker/standin.ts and engines/podman/standin.ts.
 */
import { ROLE_LABEL_KEY } from '../labels';
import type { StandinEngine, TemplateDatabase } from './template-database';

export interface StandinSpec {
  readonly engineName: string;
  readonly image: string;
  readonly engine: StandinEngine;
  readonly labels: Record<string, string>;
  /** The internal network shared with the task, and the stand-in's host name on it. */
  readonly network: string;
  readonly alias: string;
  readonly port: number;
  /** The data volume and where the server keeps its data. */
  readonly volume: string;
  readonly dataDir: string;
  readonly user: string;
  readonly tmpfs: Record<string, string>;
  readonly memoryMiB: number;
  readonly pidsLimit: number;
  /** Names of the variables start-standin reads its secrets from (values reach the engine, never argv or output). */
  readonly secretEnv: readonly string[];
  readonly env: Record<string, string>;
  readonly healthCmd: string[];
}

/** Where each engine's server keeps its data in the image (containers/database-standin/Dockerfile). */
const DATA_DIRS: Record<StandinEngine, string> = { mariadb: '/var/lib/mysql', postgres: '/var/lib/standin-postgres' };

const STANDIN_SECRET_ENV = ['STANDIN_DB_USER', 'STANDIN_DB_PASSWORD', 'STANDIN_TLS_CERT', 'STANDIN_TLS_KEY'] as const;

/** The names the runner gives the stand-in's objects for a task. */
export const standinNames = (taskName: string) => ({
  container: `${taskName}-database`,
  network: `${taskName}-database-net`,
  volume: `${taskName}-database-data`,
});

export function standinSpec(taskName: string, db: TemplateDatabase, o: { image: string; alias: string; labelKey: string }): StandinSpec {
  const names = standinNames(taskName);
  return {
    engineName: names.container,
    image: o.image,
    engine: db.engine,
    labels: { [o.labelKey]: taskName, [ROLE_LABEL_KEY]: 'database-standin' },
    network: names.network,
    alias: o.alias,
    port: db.port,
    volume: names.volume,
    dataDir: DATA_DIRS[db.engine],
    user: '999:999',
    tmpfs: { '/run/standin': 'rw,noexec,nosuid,nodev,size=16m,mode=0700,uid=999,gid=999' },
    // A db.t4g.micro-sized budget: enough for MariaDB's and PostgreSQL's defaults, bounded like the task.
    memoryMiB: 512,
    pidsLimit: 256,
    secretEnv: STANDIN_SECRET_ENV,
    env: { STANDIN_DB_NAME: db.databaseName, STANDIN_PORT: String(db.port) },
    healthCmd: ['/usr/local/bin/healthcheck'],
  };
}
