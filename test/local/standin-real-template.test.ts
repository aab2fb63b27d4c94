/**
 * The stand-in against the real template of each `database.engine` (lib/constructs/database.ts):
 * the runner finds the instance, points DB_HOST at the stand-in and gives the master secret's
 * username and password from the stand-in's login.
 */
import { standinSecretValues } from '../../lib/local/standin/standin';
import { databaseOfTemplate, endpointOverrides, standinHost } from '../../lib/local/standin/template-database';
import { synth } from '../helpers/synth';

describe.each(['mariadb', 'postgres'] as const)('database.engine %s', (engine) => {
  const template = synth({ database: { engine } }).template.toJSON() as Record<string, any>;
  const task = {
    properties: Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition').Properties,
    database: databaseOfTemplate(template),
  };

  test('the instance the stand-in replaces is found', () => {
    expect(task.database).toMatchObject({ engine, port: engine === 'mariadb' ? 3306 : 5432, internetHttps: false });
  });

  test('egress.internetHttps in the template is seen (the task reports it blocked locally)', () => {
    expect(databaseOfTemplate(synth({ database: { engine }, egress: { internetHttps: true } } as any).template.toJSON())?.internetHttps).toBe(true);
  });

  test("DB_HOST becomes the stand-in's host name; DB_USER and DB_PASSWORD its login", () => {
    const db = task.database!;
    expect(endpointOverrides(task.properties.ContainerDefinitions as unknown[], db).DB_HOST?.value).toBe(standinHost(db));
    const values = [...standinSecretValues(task.properties, 't', db, { username: 'u', password: 'p' }).values()];
    expect(values.map((v) => [v.envName, v.value]).sort()).toEqual([
      ['DB_PASSWORD', 'p'],
      ['DB_USER', 'u'],
    ]);
  });
});
