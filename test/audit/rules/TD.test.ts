/**
 * TD-* rules: each rule is compliant on a hardened baseline, non-compliant on each violating change,
 * and not applicable without a task definition; every case runs from both a CloudFormation
 * template and an ECS API (describe-task-definition) document.
 */
import type { Rule } from '../../../lib/audit/rules';
import { RULES } from '../../../lib/audit/rules';
import { apiTaskDefinition, cfnTaskDefinition, dockerfile, emptyModel, hardenedTask } from '../helpers/models';

type Doc = Record<string, any>;
type Mutation = [string, (td: Doc, c: Doc) => void];

const SOURCES = [
  ['template', cfnTaskDefinition],
  ['ECS API document', apiTaskDefinition],
] as const;

const hostVolume = (td: Doc, c: Doc, sourcePath: string, readOnly: boolean) => {
  td.volumes = [{ name: 'v', host: { sourcePath } }];
  c.mountPoints = [{ sourceVolume: 'v', containerPath: '/mnt', readOnly }];
};

/** `field`: what every non-compliance message names (the container field at fault); see ./harness.ts. */
const CASES: Record<string, { field: RegExp; nonCompliant: Mutation[]; compliant?: Mutation[] }> = {
  'TD-PRIV-01': {
    field: /privileged is true/,
    nonCompliant: [['privileged true', (_, c) => (c.privileged = true)]],
    compliant: [['privileged absent', (_, c) => delete c.privileged]],
  },
  'TD-USER-01': {
    field: /user (is not set|"[^"]+" runs the container as root)/,
    nonCompliant: [
      ['user absent', (_, c) => delete c.user],
      ['user root', (_, c) => (c.user = 'root')],
      ['user 0:0', (_, c) => (c.user = '0:0')],
      ['user ROOT:www', (_, c) => (c.user = 'ROOT:www')],
    ],
    compliant: [
      ['named non-root user', (_, c) => (c.user = 'www-data')],
      ['uid with root group (TD-USER-02 instead)', (_, c) => (c.user = '1000:0')],
    ],
  },
  'TD-USER-02': {
    field: /user "[^"]+" has root as its primary group/,
    nonCompliant: [
      ['gid 0', (_, c) => (c.user = '1000:0')],
      ['group root', (_, c) => (c.user = 'app:root')],
    ],
    compliant: [['no group', (_, c) => (c.user = '1000')]],
  },
  'TD-ROFS-01': {
    field: /readonlyRootFilesystem/,
    nonCompliant: [
      ['false', (_, c) => (c.readonlyRootFilesystem = false)],
      ['absent', (_, c) => delete c.readonlyRootFilesystem],
    ],
  },
  'TD-CAP-01': {
    field: /capabilities\.drop/,
    nonCompliant: [
      ['drop absent', (_, c) => delete c.linuxParameters.capabilities],
      ['drop NET_RAW only', (_, c) => (c.linuxParameters.capabilities = { drop: ['NET_RAW'] })],
    ],
  },
  'TD-CAP-02': {
    field: /capabilities\.add includes (CAP_)?SYS_/,
    nonCompliant: [
      ['add SYS_ADMIN', (_, c) => (c.linuxParameters.capabilities.add = ['SYS_ADMIN'])],
      ['add CAP_SYS_PTRACE', (_, c) => (c.linuxParameters.capabilities.add = ['CAP_SYS_PTRACE'])],
    ],
    compliant: [['add NET_BIND_SERVICE', (_, c) => (c.linuxParameters.capabilities.add = ['NET_BIND_SERVICE'])]],
  },
  'TD-CAP-03': {
    field: /capabilities\.add includes IPC_LOCK/,
    nonCompliant: [['add IPC_LOCK', (_, c) => (c.linuxParameters.capabilities.add = ['IPC_LOCK'])]],
    compliant: [
      ['add a default', (_, c) => (c.linuxParameters.capabilities.add = ['CHOWN'])],
      ['add SYS_ADMIN (TD-CAP-02 instead)', (_, c) => (c.linuxParameters.capabilities.add = ['SYS_ADMIN'])],
    ],
  },
  'TD-NNP-01': {
    field: /dockerSecurityOptions lacks no-new-privileges/,
    nonCompliant: [['options absent', (_, c) => delete c.dockerSecurityOptions]],
    compliant: [['no-new-privileges:true', (_, c) => (c.dockerSecurityOptions = ['no-new-privileges:true'])]],
  },
  'TD-SECOPT-01': {
    field: /dockerSecurityOptions has "(apparmor:unconfined|label:disable|seccomp=unconfined)"/,
    nonCompliant: [
      ['seccomp=unconfined', (_, c) => c.dockerSecurityOptions.push('seccomp=unconfined')],
      ['apparmor:unconfined', (_, c) => c.dockerSecurityOptions.push('apparmor:unconfined')],
      ['label:disable', (_, c) => c.dockerSecurityOptions.push('label:disable')],
    ],
    compliant: [['an SELinux label', (_, c) => c.dockerSecurityOptions.push('label:type:container_t')]],
  },
  'TD-NET-01': {
    field: /networkMode is host/,
    nonCompliant: [['host', (td) => (td.networkMode = 'host')]],
    compliant: [['bridge', (td) => (td.networkMode = 'bridge')]],
  },
  'TD-NET-02': {
    field: /networkMode is (not set|bridge|none)/,
    nonCompliant: [
      ['bridge', (td) => (td.networkMode = 'bridge')],
      ['absent', (td) => delete td.networkMode],
      ['none', (td) => (td.networkMode = 'none')],
    ],
  },
  'TD-PID-01': { field: /pidMode is host/, nonCompliant: [['host', (td) => (td.pidMode = 'host')]], compliant: [['task', (td) => (td.pidMode = 'task')]] },
  'TD-IPC-01': { field: /ipcMode is host/, nonCompliant: [['host', (td) => (td.ipcMode = 'host')]], compliant: [['none', (td) => (td.ipcMode = 'none')]] },
  'TD-DEV-01': { field: /linuxParameters\.devices/, nonCompliant: [['a device', (_, c) => (c.linuxParameters.devices = [{ hostPath: '/dev/fuse' }])]] },
  'TD-MNT-01': {
    field: /sensitive host path \//,
    nonCompliant: [
      ['/etc read-only', (td, c) => hostVolume(td, c, '/etc', true)],
      ['/ read-write', (td, c) => hostVolume(td, c, '/', false)],
      ['/var/lib/ecs/data', (td, c) => hostVolume(td, c, '/var/lib/ecs/data', true)],
    ],
    compliant: [
      ['/srv/data', (td, c) => hostVolume(td, c, '/srv/data', true)],
      ['/etc defined but not mounted', (td) => (td.volumes = [{ name: 'v', host: { sourcePath: '/etc' } }])],
      ['docker.sock (TD-MNT-02 instead)', (td, c) => hostVolume(td, c, '/var/run/docker.sock', true)],
    ],
  },
  'TD-MNT-02': {
    field: /container runtime socket through host path/,
    nonCompliant: [
      ['docker.sock', (td, c) => hostVolume(td, c, '/var/run/docker.sock', true)],
      ['containerd socket', (td, c) => hostVolume(td, c, '/run/containerd/containerd.sock', true)],
      ['/var/run', (td, c) => hostVolume(td, c, '/var/run/', true)],
    ],
    compliant: [['/srv', (td, c) => hostVolume(td, c, '/srv', true)]],
  },
  'TD-MNT-03': {
    field: /host path \/srv\/data .* read-write/,
    nonCompliant: [['read-write bind', (td, c) => hostVolume(td, c, '/srv/data', false)]],
    compliant: [
      ['read-only bind', (td, c) => hostVolume(td, c, '/srv/data', true)],
      [
        'docker volume',
        (td, c) => {
          td.volumes = [{ name: 'v' }];
          c.mountPoints = [{ sourceVolume: 'v', containerPath: '/d' }];
        },
      ],
    ],
  },
  'TD-MEM-01': {
    field: /hard memory limit/,
    nonCompliant: [
      [
        'no limits',
        (td, c) => {
          delete td.memory;
          delete c.memory;
        },
      ],
      [
        'reservation only',
        (td, c) => {
          delete td.memory;
          delete c.memory;
          c.memoryReservation = 128;
        },
      ],
    ],
    compliant: [
      ['task memory only', (_, c) => delete c.memory],
      ['container memory only', (td) => delete td.memory],
    ],
  },
  'TD-CPU-01': {
    field: /CPU/,
    nonCompliant: [
      [
        'no cpu',
        (td, c) => {
          delete td.cpu;
          delete c.cpu;
        },
      ],
      [
        'cpu 0',
        (td, c) => {
          delete td.cpu;
          c.cpu = 0;
        },
      ],
    ],
    compliant: [['task cpu only', (_, c) => delete c.cpu]],
  },
  'TD-ULIM-01': {
    field: /ulimits/,
    nonCompliant: [
      ['absent', (_, c) => delete c.ulimits],
      ['nofile only', (_, c) => (c.ulimits = [{ name: 'nofile', softLimit: 1, hardLimit: 1 }])],
    ],
  },
  'TD-HC-01': {
    field: /healthCheck\.command/,
    nonCompliant: [['no health check', (_, c) => delete c.healthCheck]],
    compliant: [
      [
        'non-essential sidecar',
        (_, c) => {
          delete c.healthCheck;
          c.essential = false;
        },
      ],
    ],
  },
  'TD-LOG-01': {
    field: /logConfiguration|logDriver/,
    nonCompliant: [
      ['no logConfiguration', (_, c) => delete c.logConfiguration],
      ['no driver', (_, c) => (c.logConfiguration = { options: {} })],
    ],
  },
  'TD-LOG-02': {
    field: /logDriver is json-file/,
    nonCompliant: [['json-file', (_, c) => (c.logConfiguration = { logDriver: 'json-file' })]],
    compliant: [
      ['awsfirelens', (_, c) => (c.logConfiguration = { logDriver: 'awsfirelens' })],
      ['no driver (TD-LOG-01 instead)', (_, c) => delete c.logConfiguration],
    ],
  },
  'TD-LOG-03': {
    field: /logConfiguration\.options\.mode/,
    nonCompliant: [
      ['mode unset (blocking)', (_, c) => delete c.logConfiguration.options.mode],
      ['mode blocking', (_, c) => (c.logConfiguration.options.mode = 'blocking')],
    ],
    compliant: [['no driver (TD-LOG-01 instead)', (_, c) => delete c.logConfiguration]],
  },
  'TD-SEC-01': {
    field: /environment sets (AWS_SECRET_ACCESS_KEY|ECS_ENGINE_AUTH_DATA)/,
    nonCompliant: [
      ['AWS_SECRET_ACCESS_KEY', (_, c) => (c.environment = [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'x' }])],
      ['ECS_ENGINE_AUTH_DATA', (_, c) => (c.environment = [{ name: 'ECS_ENGINE_AUTH_DATA', value: 'x' }])],
    ],
  },
  'TD-SEC-02': {
    field: /environment variable (DB_PASSWORD|STRIPE_API_KEY|HEADER|UPSTREAM)/,
    nonCompliant: [
      ['DB_PASSWORD', (_, c) => (c.environment = [{ name: 'DB_PASSWORD', value: 'x' }])],
      ['STRIPE_API_KEY', (_, c) => (c.environment = [{ name: 'STRIPE_API_KEY', value: 'x' }])],
      ['an access key id under an innocuous name (value shape)', (_, c) => (c.environment = [{ name: 'UPSTREAM', value: 'AKIA' + 'IOSFODNN7EXAMPLE' }])],
      [
        'a JWT under an innocuous name',
        (_, c) => (c.environment = [{ name: 'HEADER', value: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl' }]),
      ],
    ],
    compliant: [
      ['a setting', (_, c) => (c.environment = [{ name: 'LOG_LEVEL', value: 'info' }])],
      ['a secret reference', (_, c) => (c.secrets = [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db' }])],
    ],
  },
  'TD-ENV-01': {
    field: /environment variable\(s\): LOG_LEVEL/,
    nonCompliant: [['any environment', (_, c) => (c.environment = [{ name: 'LOG_LEVEL', value: 'info' }])]],
  },
  'TD-IMG-01': {
    field: /image \S+ (uses the mutable latest tag|has no tag)/,
    nonCompliant: [
      ['latest', (_, c) => (c.image = 'nginx:latest')],
      ['untagged', (_, c) => (c.image = 'public.ecr.aws/nginx/nginx')],
      ['registry port, no tag', (_, c) => (c.image = 'registry:5000/web')],
    ],
    compliant: [
      ['version tag', (_, c) => (c.image = 'nginx:1.27.3')],
      ['registry port and tag', (_, c) => (c.image = 'registry:5000/web:1.2')],
    ],
  },
  'TD-IMG-02': { field: /image \S+ is not pinned by digest/, nonCompliant: [['tag only', (_, c) => (c.image = 'nginx:1.27.3')]] },
  'TD-PORT-01': {
    field: /privileged host port (80|443)/,
    nonCompliant: [
      ['awsvpc port 80', (_, c) => (c.portMappings = [{ containerPort: 80 }])],
      [
        'bridge host port 443',
        (td, c) => {
          td.networkMode = 'bridge';
          c.portMappings = [{ containerPort: 8443, hostPort: 443 }];
        },
      ],
    ],
    compliant: [
      [
        'bridge dynamic host port',
        (td, c) => {
          td.networkMode = 'bridge';
          c.portMappings = [{ containerPort: 80, hostPort: 0 }];
        },
      ],
    ],
  },
  'TD-PORT-02': { field: /container port 22/, nonCompliant: [['port 22', (_, c) => c.portMappings.push({ containerPort: 22 })]] },
  'TD-ROLE-01': {
    field: /taskRoleArn and executionRoleArn/,
    nonCompliant: [['same role', (td) => (td.executionRoleArn = td.taskRoleArn)]],
    compliant: [['no task role', (td) => delete td.taskRoleArn]],
  },
  'TD-SYSCTL-01': {
    field: /systemControls/,
    nonCompliant: [
      ['kernel.domainname', (_, c) => (c.systemControls = [{ namespace: 'kernel.domainname', value: 'x' }])],
      [
        'net.* with host network',
        (td, c) => {
          td.networkMode = 'host';
          c.systemControls = [{ namespace: 'net.core.somaxconn', value: '1024' }];
        },
      ],
    ],
    compliant: [['net.core.somaxconn in awsvpc', (_, c) => (c.systemControls = [{ namespace: 'net.core.somaxconn', value: '1024' }])]],
  },
  'TD-TMPFS-01': {
    field: /tmpfs \/tmp lacks noexec/,
    nonCompliant: [
      ['no noexec', (_, c) => (c.linuxParameters.tmpfs = [{ containerPath: '/tmp', size: 16, mountOptions: ['nosuid'] }])],
      ['no options', (_, c) => (c.linuxParameters.tmpfs = [{ containerPath: '/tmp', size: 16 }])],
    ],
  },
  'TD-EFS-01': {
    field: /transitEncryption/,
    nonCompliant: [['no transit encryption', (td) => (td.volumes = [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }])]],
    compliant: [
      ['transit encryption', (td) => (td.volumes = [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED' } }])],
    ],
  },
  'TD-TTY-01': {
    field: /(interactive|pseudoTerminal) is true/,
    nonCompliant: [
      ['interactive', (_, c) => (c.interactive = true)],
      ['pseudoTerminal', (_, c) => (c.pseudoTerminal = true)],
    ],
  },
};

const TD_RULES = RULES.filter((r) => r.id.startsWith('TD-'));

function variant(mutate?: (td: Doc, c: Doc) => void): Doc {
  const td = hardenedTask();
  mutate?.(td, td.containerDefinitions[0]);
  return td;
}

test('every TD rule has test cases', () => {
  expect(Object.keys(CASES).sort()).toEqual(TD_RULES.map((r) => r.id).sort());
});

describe.each(TD_RULES.map((r) => [r.id, r] as [string, Rule]))('%s', (_id, rule) => {
  const cases = CASES[rule.id];
  describe.each(SOURCES)('from a %s', (_source, load) => {
    test('Compliance: the hardened baseline', () => {
      expect(rule.check(load(variant())).compliance).toBe('compliant');
    });
    for (const [name, mutate] of cases.compliant ?? []) {
      test(`Compliance: ${name}`, () => {
        expect(rule.check(load(variant(mutate))).findings).toEqual([]);
      });
    }
    for (const [name, mutate] of cases.nonCompliant) {
      test(`Noncompliance: ${name}`, () => {
        const result = rule.check(load(variant(mutate)));
        expect(result.compliance).toBe('non-compliant');
        for (const finding of result.findings) expect(finding.message).toMatch(cases.field);
      });
    }
  });
  test('not applicable without a task definition', () => {
    expect(rule.check(emptyModel()).compliance).toBe('not-applicable');
    expect(rule.check(dockerfile('FROM debian:13\nUSER 1000\n')).compliance).toBe('not-applicable');
  });
});

test('TD-MNT-01 is critical when the mount is read-write, high when read-only', () => {
  const rule = RULES.find((r) => r.id === 'TD-MNT-01')!;
  const rw = rule.check(apiTaskDefinition(variant((td, c) => hostVolume(td, c, '/etc', false))));
  const ro = rule.check(apiTaskDefinition(variant((td, c) => hostVolume(td, c, '/etc', true))));
  expect(rw.findings.map((f) => f.severity)).toEqual(['critical']);
  expect(ro.findings.map((f) => f.severity)).toEqual(['high']);
});

test('the hardened baseline passes every rule, from both sources', () => {
  for (const [, load] of SOURCES) {
    const model = load(variant());
    expect(RULES.flatMap((r) => r.check(model).findings.map((f) => `${r.id}: ${f.message}`))).toEqual([]);
  }
});
