import { isUnknown } from '../model';
import { resourceRule } from './_kit';

/**
 * The parameter that makes the server refuse connections without TLS, per engine family
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html#mysql-ssl-connections.require-ssl,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html#PostgreSQL.Concepts.General.SSL.Requiring).
 */
const TLS_PARAMETERS: readonly [RegExp, string][] = [
  [/^(mysql|mariadb)$/, 'require_secure_transport'],
  [/^postgres$/, 'rds.force_ssl'],
];

/**
 * The instance's own parameter group must say it: the default group does not for MySQL and
 * MariaDB, and since RDS for PostgreSQL 15 does, a template cannot show which version runs, so an
 * explicit setting is asked for. A group the template does not define is unknown. Other engines
 * (SQL Server, Oracle, Aurora instances) are not applicable.
 */
export default resourceRule(
  {
    id: 'RDS-TLS-01',
    severity: 'medium',
    title: 'RDS does not require TLS',
    sources: ['prowler rds_instance_transport_encrypted', 'Security Hub RDS.36, RDS.37 (parameter groups)', 'CT.RDS.PR.28'],
    fix: 'Use a DB parameter group that sets require_secure_transport = 1 (MySQL, MariaDB) or rds.force_ssl = 1 (PostgreSQL).',
    inputs: ['template'],
  },
  (m) => m.dbInstances.filter((d) => !d.inCluster && typeof d.engine === 'string' && TLS_PARAMETERS.some(([engine]) => engine.test(d.engine as string))),
  (d) => {
    const parameter = TLS_PARAMETERS.find(([engine]) => engine.test(d.engine as string))![1];
    if (isUnknown(d.parameters)) return undefined;
    const value = d.parameters?.[parameter];
    if (isUnknown(value)) return undefined;
    if (value === '1' || value?.toUpperCase() === 'ON') return undefined;
    return d.parameters === undefined
      ? `no DBParameterGroupName: the engine's default group does not set ${parameter} = 1`
      : `the parameter group sets ${parameter} = ${value === undefined ? '(not set)' : JSON.stringify(value)}; 1 expected`;
  },
);
