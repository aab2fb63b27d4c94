/**
 * Hostile and careless configuration (../shared/reference/hostile-input-findings.md §1.3): every
 * value the schema accepts is built as written, anything else is refused with one line naming the
 * setting, the value and what is allowed.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadRawConfig, readCdkJsonContext } from '../lib/config/load-config';
import { resolveConfig } from '../lib/config/resolve-config';
import { validateConfig } from '../lib/config/validate-config';
import { problemsOf } from './helpers/config-problems';
import { tempDir } from './helpers/temp-dir';

const context = (values: Record<string, unknown>) => (key: string) => values[key];

describe('network.vpcCidr (D8, D13)', () => {
  test.each([
    // /21 to /24 cannot hold a /26 and a /22 per AZ: CDK's allocation throws SubnetCountExceedsRemainingSpace.
    ['10.0.0.0/21', 'expected an IPv4 CIDR block a.b.c.d/n with n from 16 to 20 (each AZ takes a /26 and a /22)'],
    ['10.0.0.0/24', 'expected an IPv4 CIDR block a.b.c.d/n with n from 16 to 20'],
    ['255.255.255.0/24', 'with n from 16 to 20'],
    ['10.0.0.0/15', 'with n from 16 to 20'],
    // Host bits: CDK would round 10.0.0.5/16 up to 10.1.0.0/16 and move the address plan.
    ['10.0.0.5/16', 'expected the block\'s network address, without host bits: use "10.0.0.0/16"'],
    ['192.168.17.0/20', 'use "192.168.16.0/20"'],
    ['172.31.255.255/16', 'use "172.31.0.0/16"'],
    // Leading zeros: octal in some tools, decimal in others.
    ['010.000.000.000/16', 'without leading zeros'],
    ['10.0.0.0/016', 'without leading zeros'],
    ['10.0.0.256/16', 'decimal octets from 0 to 255'],
  ])('refuses %s, naming the setting, the value and what is allowed', (vpcCidr, expected) => {
    const problems = problemsOf(() => validateConfig({ network: { vpcCidr } }));
    expect(problems).toEqual([
      expect.stringContaining(`network.vpcCidr: received ${JSON.stringify(vpcCidr)}; ${expected.startsWith('expected') ? '' : 'expected '}`),
    ]);
    expect(problems[0]).toContain(expected);
  });

  test.each(['10.0.0.0/16', '10.0.0.0/20', '192.168.16.0/20', '172.16.0.0/12'.replace('/12', '/16')])('accepts the network address %s', (vpcCidr) => {
    expect(validateConfig({ network: { vpcCidr } }).network.vpcCidr).toBe(vpcCidr);
  });
});

describe('keys that are JavaScript internals (D17)', () => {
  const file = (content: string) => {
    const f = path.join(tempDir('secure-ecs-proto-'), 'settings.json');
    writeFileSync(f, content);
    return f;
  };

  test('a top-level "__proto__" in a config file is refused, not applied', () => {
    const f = file('{"__proto__": {"stackName": "Evil-Injected", "compliance": "control-tower"}}');
    expect(problemsOf(() => resolveConfig(context({ configFile: f })))).toEqual([
      `${f}: __proto__: "__proto__" is not allowed as a setting name (it is an object's internals in JavaScript)`,
    ]);
  });

  test.each([
    ['{"task": {"constructor": {"cpu": 512}}}', 'task.constructor'],
    ['{"network": {"prototype": 1}}', 'network.prototype'],
    ['{"environments": {"dev": {"account": "111111111111", "region": "eu-west-1", "hosts": {"__proto__": {}}}}}', 'environments.dev.hosts.__proto__'],
    ['{"hosts": {"additionalInstanceTypes": [{"__proto__": 1}]}}', 'hosts.additionalInstanceTypes.0.__proto__'],
  ])('refuses %s anywhere in the file, naming where', (content, where) => {
    const f = file(content);
    expect(problemsOf(() => loadRawConfig(context({ configFile: f })))).toEqual([expect.stringContaining(`${f}: ${where}: `)]);
  });

  test('and in the secure-ecs context (cdk.json or -c)', () => {
    expect(problemsOf(() => loadRawConfig(context({ 'secure-ecs': '{"rateLimit": {"__proto__": {"burst": 1}}}' })))).toEqual([
      expect.stringContaining('context secure-ecs: rateLimit.__proto__: '),
    ]);
  });

  test('a 100,000-deep file is walked without overflowing the stack', () => {
    const f = file(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    expect(loadRawConfig(context({ configFile: f }))).toHaveProperty('a');
  });
});

describe('message quality (D18)', () => {
  test('a value failing two checks with the same text is reported once', () => {
    expect(problemsOf(() => validateConfig({ task: { cpu: 1e308 } }))).toEqual(['task.cpu: received 1e+308; expected an integer from 128 to 10240']);
  });

  test('1e999 (Infinity once parsed) is shown as Infinity, not null', () => {
    expect(problemsOf(() => validateConfig(JSON.parse('{"proxy": {"clientMaxBodySizeKiB": 1e999}}')))).toEqual([
      'proxy.clientMaxBodySizeKiB: received Infinity; expected an integer from 1 to 1048576',
    ]);
  });

  test('a type error says what is allowed', () => {
    expect(problemsOf(() => validateConfig({ hosts: { instanceType: 5 } }))).toEqual([
      'hosts.instanceType: received 5; expected an EC2 instance type such as t3.small or m7i.large',
    ]);
    expect(problemsOf(() => validateConfig({ network: [] }))).toEqual(['network: received []; expected an object of settings']);
    expect(problemsOf(() => validateConfig({ network: { vpcCidr: 16 } }))).toEqual([
      'network.vpcCidr: received 16; expected an IPv4 CIDR block a.b.c.d/n with n from 16 to 20 (each AZ takes a /26 and a /22)',
    ]);
  });

  test('the list limit is in the message', () => {
    const types = ['c5', 'c6i', 'c6a', 'c7i', 'm5', 'm6i', 'm6a', 'm7i', 'r5', 'r6i'].map((f) => `${f}.large`);
    expect(problemsOf(() => validateConfig({ hosts: { additionalInstanceTypes: types } }))).toEqual([
      expect.stringMatching(/^hosts\.additionalInstanceTypes: received \["c5\.large",.*; expected a list of at most 9 EC2 instance types$/),
    ]);
  });

  test('a huge value is cut, with its length', () => {
    const problems = problemsOf(() => validateConfig({ stackName: `-${'x'.repeat(10_000_000)}` }));
    expect(problems).toHaveLength(1);
    expect(problems[0].length).toBeLessThan(300);
    expect(problems[0]).toContain('… (10000003 characters)');
  });

  test('a JSON syntax error gives line and column on one line, without quoting the file', () => {
    const f = path.join(tempDir('secure-ecs-json-'), 'bad.json');
    writeFileSync(f, '{"task":\n {"cpu": abc}}');
    const problems = problemsOf(() => loadRawConfig(context({ configFile: f })));
    expect(problems).toEqual([`context configFile: "${f}" is not valid JSON (line 2, column 10: InvalidSymbol)`]);
    writeFileSync(f, '\uFEFF{}');
    expect(problemsOf(() => loadRawConfig(context({ configFile: f }))).join('\n')).toContain('line 1, column 1:');
  });
});

test('a cdk.json whose context is not an object is refused, not read as no settings', () => {
  const dir = tempDir('secure-ecs-cdkjson-');
  writeFileSync(path.join(dir, 'cdk.json'), '{"app": "x", "context": "secure-ecs"}');
  expect(problemsOf(() => readCdkJsonContext(dir))).toEqual([
    `${path.join(dir, 'cdk.json')}: "context": received "secure-ecs"; expected an object of context values`,
  ]);
  writeFileSync(path.join(dir, 'cdk.json'), '{"app": "x"}');
  expect(readCdkJsonContext(dir)).toEqual({});
});

describe('cross-field problems in an environment that is not selected', () => {
  const settings = {
    environments: {
      dev: { account: '111111111111', region: 'eu-west-1' },
      prod: { account: '222222222222', region: 'eu-west-1', task: { memoryMiB: 128 }, hosts: { controlContainer: true } },
    },
  };

  test.each([['dev'], [undefined]])('fail a synth with -c env=%s', (env) => {
    const problems = problemsOf(() => resolveConfig(context({ 'secure-ecs': settings, env }), { warn: () => {} }));
    expect(problems).toEqual([
      expect.stringMatching(/^task\.memoryMiB: received 128; .* \(environment "prod"\)$/),
      expect.stringMatching(/^hosts\.controlContainer: received true .* \(environment "prod"\)$/),
    ]);
  });

  test('a problem of the shared settings is reported once, not again per environment', () => {
    const shared = { ...settings, task: { memoryMiB: 128 }, environments: { dev: settings.environments.dev } };
    expect(problemsOf(() => resolveConfig(context({ 'secure-ecs': shared }), { warn: () => {} }))).toEqual([
      expect.stringMatching(/^task\.memoryMiB: received 128; [^(]*$/),
    ]);
  });
});

describe('database, egress (issue 20)', () => {
  test.each([
    [{ engine: 'mysql' }, 'database.engine: received "mysql"; expected "none", "mariadb", "postgres"'],
    [{ engine: 'mariadb', instanceClass: 't4g.micro' }, 'database.instanceClass: received "t4g.micro"; expected an RDS instance class such as db.t4g.micro'],
    [{ allocatedStorageGiB: 19 }, 'database.allocatedStorageGiB: received 19; expected an integer from 20 to 65536'],
    [{ backupRetentionDays: 36 }, 'database.backupRetentionDays: received 36; expected an integer from 1 to 35'],
    [{ monitoringIntervalSeconds: 2 }, 'database.monitoringIntervalSeconds: received 2; expected one of 0, 1, 5, 10, 15, 30, 60'],
    [{ multiAz: 'yes' }, 'database.multiAz: received "yes"; expected true or false'],
    [
      { allocatedStorageGiB: 200, maxAllocatedStorageGiB: 100 },
      'database.maxAllocatedStorageGiB: received 100; expected at least database.allocatedStorageGiB (200)',
    ],
    [{ password: 'x' }, 'database.password: unknown setting'],
  ])('refuses %j, naming the setting, the value and what is allowed', (database, expected) => {
    expect(problemsOf(() => validateConfig({ database }))).toEqual([expect.stringContaining(expected)]);
  });

  test('egress.internetHttps takes only a boolean, and egress has no other destination', () => {
    expect(problemsOf(() => validateConfig({ egress: { internetHttps: 1 } }))).toEqual([
      expect.stringContaining('egress.internetHttps: received 1; expected true or false'),
    ]);
    expect(problemsOf(() => validateConfig({ egress: { allowAll: true } }))).toEqual([expect.stringContaining('egress.allowAll: unknown setting')]);
  });

  test('control-tower turns multi-AZ and IAM authentication on by default, and refuses the settings its controls forbid', () => {
    const config = validateConfig({ compliance: 'control-tower', database: { engine: 'postgres' } });
    expect([config.database.multiAz, config.database.iamAuthentication]).toEqual([true, true]);
    expect(validateConfig({ database: { engine: 'postgres' } }).database.multiAz).toBe(false);
    const problems = problemsOf(() =>
      validateConfig({
        compliance: 'control-tower',
        database: {
          engine: 'mariadb',
          multiAz: false,
          iamAuthentication: false,
          deletionProtection: false,
          backupRetentionDays: 3,
          monitoringIntervalSeconds: 0,
        },
      }),
    );
    expect(problems).toEqual([
      'database.multiAz: received false; expected true (control CT.RDS.PR.1) with compliance "control-tower"',
      'database.iamAuthentication: received false; expected true (control CT.RDS.PR.7) with compliance "control-tower"',
      'database.deletionProtection: received false; expected true (control CT.RDS.PR.13) with compliance "control-tower"',
      'database.backupRetentionDays: received 3; expected at least 7 (control CT.RDS.PR.8) with compliance "control-tower"',
      'database.monitoringIntervalSeconds: received 0; expected above 0 (control CT.RDS.PR.2) with compliance "control-tower"',
    ]);
    // Without a database, the same settings are not the controls' business.
    expect(() => validateConfig({ compliance: 'control-tower', database: { multiAz: false } })).not.toThrow();
  });
});

describe('the app section (issue 20)', () => {
  const app = (settings: Record<string, unknown>, task?: Record<string, unknown>) => () => validateConfig({ app: settings, ...(task ? { task } : {}) });

  test.each([
    [{ protocol: 'grpc' }, 'app.protocol: received "grpc"; expected "fastcgi" or "http"'],
    [{ entryPoints: 'all' }, 'app.entryPoints: received "all"; expected "front-controller" or "files"'],
    [{ port: 80 }, 'app.port: received 80; expected an integer from 1024 to 65535'],
    [{ methods: ['GET', 'HEAD', 'TRACE'] }, 'app.methods.2: received "TRACE"; expected one of GET, HEAD, POST, PUT, DELETE'],
    [{ methods: ['GET', 'PUT'] }, 'app.methods: received ["GET","PUT"]; expected a list that includes GET and HEAD'],
    [{ methods: ['GET', 'HEAD', 'GET'] }, 'app.methods: received ["GET","HEAD","GET"]; expected a list without repeated methods'],
    [{ methods: 'GET' }, 'app.methods: received "GET"; expected a list of HTTP methods from GET, HEAD'],
    [{ port: 8080 }, "app.port: received 8080; expected an integer from 1024 to 65535, other than the proxy's ports 8080 and 8081"],
    [{ port: 8081 }, "app.port: received 8081; expected an integer from 1024 to 65535, other than the proxy's ports 8080 and 8081"],
    [{ port: 65536 }, 'app.port: received 65536; expected an integer from 1024 to 65535'],
    [{ healthCheckPath: 'healthz' }, 'app.healthCheckPath: received "healthz"; expected an absolute URL path of letters, digits and \'._~/-\''],
    [{ healthCheckPath: '/health?deep=1' }, 'app.healthCheckPath: received "/health?deep=1"; expected an absolute URL path'],
    [{ healthCheckPath: '/health\n' }, 'app.healthCheckPath: received "/health\\n"; expected an absolute URL path'],
    [{ healthCheckPath: '/a;return 200' }, 'app.healthCheckPath: received "/a;return 200"; expected an absolute URL path'],
    [{ healthCheckPath: '/a/../healthz' }, 'app.healthCheckPath: received "/a/../healthz"; expected a normalized path'],
    [{ healthCheckPath: '//healthz' }, 'app.healthCheckPath: received "//healthz"; expected a normalized path'],
    [{ healthCheckPath: '/fpm-status' }, 'app.healthCheckPath: received "/fpm-status"; expected a path other than php-fpm\'s ping and status pages'],
    [{ healthCheckPath: `/${'h'.repeat(1024)}` }, 'expected a path of at most 1024 characters'],
    [{ stickySessionSeconds: 0 }, 'app.stickySessionSeconds: received 0; expected an integer from 1 to 604800'],
    [{ stickySessionSeconds: 604801 }, 'app.stickySessionSeconds: received 604801; expected an integer from 1 to 604800'],
    [{ stickySessionSeconds: true }, 'app.stickySessionSeconds: received true; expected an integer from 1 to 604800'],
    [{ protocol: 'http', entryPoints: 'files' }, 'app.entryPoints: received "files" with app.protocol "http"; expected "front-controller"'],
    [{ fastcgiTransport: 'socket' }, 'app.fastcgiTransport: received "socket"; expected "tcp" or "unix"'],
    [{ protocol: 'http', fastcgiTransport: 'unix' }, 'app.fastcgiTransport: received "unix" with app.protocol "http"; expected "tcp"'],
    [{ fastcgiTransport: 'unix', port: 9100 }, 'app.port: received 9100 with app.fastcgiTransport "unix"; expected 9000 (unset)'],
    [{ fastcgiKeptConnections: 0 }, 'app.fastcgiKeptConnections: received 0; expected an integer from 1 to 16'],
    [{ fastcgiKeptConnections: 2.5 }, 'app.fastcgiKeptConnections: received 2.5; expected an integer from 1 to 16'],
    [{ fastcgiKeptConnections: 17 }, 'app.fastcgiKeptConnections: received 17; expected an integer from 1 to 16'],
    [{ protocol: 'http', port: 8000, fastcgiKeptConnections: 2 }, 'app.fastcgiKeptConnections: received 2 with app.protocol "http"; expected 3 (unset)'],
    [{ writablePaths: '/srv/app/storage' }, 'app.writablePaths: received "/srv/app/storage"; expected a list of at most 16 { "path", "sizeMiB" } objects'],
    [{ writablePaths: [{ path: '/srv/app/storage' }] }, 'app.writablePaths.0.sizeMiB: received undefined; expected an integer from 1 to 30720'],
    [{ writablePaths: [{ path: '/srv/app/storage', sizeMiB: 8, mode: '777' }] }, 'app.writablePaths.0.mode: unknown setting'],
    [{ writablePaths: [{ path: 'storage', sizeMiB: 8 }] }, 'app.writablePaths.0.path: received "storage"; expected an absolute path (starting with /)'],
    [{ writablePaths: [{ path: '/', sizeMiB: 8 }] }, 'app.writablePaths.0.path: received "/"; expected a directory below /, not the root itself'],
    [{ writablePaths: [{ path: '/srv//app/x', sizeMiB: 8 }] }, 'app.writablePaths.0.path: received "/srv//app/x"; expected a normalized path'],
    [
      { writablePaths: [{ path: '/srv/app/x/../y', sizeMiB: 8 }] },
      'expected a normalized path, without "//", "." or ".." segments or a trailing "/" ("/srv/app/y")',
    ],
    [{ writablePaths: [{ path: '/srv/app/x/', sizeMiB: 8 }] }, 'app.writablePaths.0.path: received "/srv/app/x/"; expected a normalized path'],
    [{ writablePaths: [{ path: '/srv/app/a b', sizeMiB: 8 }] }, "expected a path of letters, digits and '._/-'"],
    [
      { writablePaths: [{ path: '/proc/x', sizeMiB: 8 }] },
      'app.writablePaths.0.path: received "/proc/x"; expected a path apart from the system directory /proc',
    ],
    [{ writablePaths: [{ path: '/etc/php', sizeMiB: 8 }] }, 'expected a path apart from the system directory /etc'],
    [{ writablePaths: [{ path: '/usr', sizeMiB: 8 }] }, 'expected a path apart from the system directory /usr'],
    [{ writablePaths: [{ path: '/var', sizeMiB: 8 }] }, 'expected a path apart from the system directory /var/run'],
    [{ writablePaths: [{ path: '/tmp/cache', sizeMiB: 8 }] }, 'expected a path apart from /tmp, which is always a 16 MiB tmpfs'],
    [{ writablePaths: [{ path: '/srv/app', sizeMiB: 8 }] }, 'expected a path that does not cover the public folder /srv/app/public'],
    [{ writablePaths: [{ path: '/srv/app/public', sizeMiB: 8 }] }, 'expected a path that does not cover the public folder /srv/app/public'],
    [
      {
        writablePaths: [
          { path: '/srv/app/storage', sizeMiB: 8 },
          { path: '/srv/app/storage/cache', sizeMiB: 8 },
        ],
      },
      'app.writablePaths.1.path: received "/srv/app/storage/cache"; expected a path that neither contains nor lies inside app.writablePaths.0.path ("/srv/app/storage")',
    ],
    [{ writablePaths: [{ path: '/srv/app/storage', sizeMiB: 0 }] }, 'app.writablePaths.0.sizeMiB: received 0; expected an integer from 1 to 30720'],
    [
      {
        writablePaths: [
          { path: '/srv/app/storage', sizeMiB: 100 },
          { path: '/var/lib/app', sizeMiB: 77 },
        ],
      },
      "app.writablePaths: received sizes 100 + 77 = 177 MiB; expected at most 176 MiB in all: tmpfs pages count against the app container's memory limit, task.appMemoryMiB (256)",
    ],
  ])('refuses %j, naming the setting, the value and what is allowed', (settings, expected) => {
    const problems = problemsOf(app(settings));
    expect(problems).toEqual([expect.stringContaining(expected)]);
  });

  test('the tmpfs budget follows task.appMemoryMiB', () => {
    const paths = [{ path: '/srv/app/storage', sizeMiB: 177 }];
    expect(problemsOf(app({ writablePaths: paths }))).toHaveLength(1);
    expect(validateConfig({ app: { writablePaths: paths }, task: { appMemoryMiB: 257 } }).app.writablePaths).toEqual(paths);
  });

  test('the smallest app container leaves room for 16 MiB of declared paths', () => {
    const paths = [{ path: '/srv/app/storage', sizeMiB: 16 }];
    expect(validateConfig({ app: { writablePaths: paths }, task: { memoryMiB: 144, appMemoryMiB: 96, proxyMemoryMiB: 48 } }).app.writablePaths).toEqual(paths);
    expect(problemsOf(app({ writablePaths: [{ ...paths[0], sizeMiB: 17 }] }, { memoryMiB: 144, appMemoryMiB: 96, proxyMemoryMiB: 48 }))).toEqual([
      expect.stringContaining('expected at most 16 MiB in all'),
    ]);
  });

  test('app.fastcgiTransport unset: unix for php-fpm on the default port, tcp for an HTTP app or a port of its own; set, as set', () => {
    expect(validateConfig({}).app.fastcgiTransport).toBe('unix');
    expect(validateConfig({ app: { protocol: 'http', port: 8000 } }).app.fastcgiTransport).toBe('tcp');
    expect(validateConfig({ app: { protocol: 'http' } }).app.fastcgiTransport).toBe('tcp');
    expect(validateConfig({ app: { port: 9100 } }).app.fastcgiTransport).toBe('tcp');
    expect(validateConfig({ app: { fastcgiTransport: 'tcp' } }).app.fastcgiTransport).toBe('tcp');
    expect(validateConfig({ app: { port: 9000, fastcgiTransport: 'unix' } }).app.fastcgiTransport).toBe('unix');
  });

  test('accepts the shapes of real apps', () => {
    const c = validateConfig({
      app: {
        entryPoints: 'files',
        port: 9001,
        writablePaths: [
          { path: '/srv/app/public/wp-content/uploads', sizeMiB: 64 },
          { path: '/var/lib/mediawiki-cache', sizeMiB: 16 },
        ],
      },
    });
    // app.fastcgiTransport derived (fastcgiTransportOf): tcp, for a port of its own.
    expect(c.app).toEqual({
      protocol: 'fastcgi',
      fastcgiTransport: 'tcp',
      fastcgiKeptConnections: 3,
      port: 9001,
      entryPoints: 'files',
      methods: ['GET', 'HEAD', 'POST'],
      writablePaths: expect.any(Array),
      healthCheckPath: '/healthz',
    });
    expect(validateConfig({ app: { healthCheckPath: '/.web/', stickySessionSeconds: 3600 } }).app).toMatchObject({
      healthCheckPath: '/.web/',
      stickySessionSeconds: 3600,
    });
  });
});
