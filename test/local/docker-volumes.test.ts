/**
 * Task-scoped Docker volumes locally (translate/docker-volumes.ts): the template of
 * app.fastcgiTransport "unix" translated and rendered for both engines, and the configurations the
 * runner refuses to create.
 */
import { dockerContainerBody } from '../../lib/local/engines/docker/api';
import { ensureDockerVolume } from '../../lib/local/engines/docker/standin';
import { podmanCreateArgs } from '../../lib/local/engines/podman/args';
import { translateVolumes } from '../../lib/local/translate/efs-volumes';
import { translateTask } from '../../lib/local/translate/task';
import { synth } from '../helpers/synth';

const base = synth({ app: { fastcgiTransport: 'unix' } }).template.toJSON() as Record<string, any>;
const taskProps = Object.values<any>(base.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition').Properties;
const images = Object.fromEntries(taskProps.ContainerDefinitions.map((d: any) => [d.Name, { ref: `localhost/${d.Name}:1`, origin: 'test' }]));
const t = translateTask(taskProps, { taskName: 'task', labelKey: 'l', images });
const spec = (name: string) => t.containers.find((c) => c.name === name)!.spec;
const OPTS = { type: 'tmpfs', device: 'tmpfs', o: 'nr_blocks=16,nr_inodes=16,uid=33,gid=101,mode=2750,noexec,nosuid,nodev' };

describe('the FastCGI socket volume of app.fastcgiTransport "unix"', () => {
  test('becomes a task-scoped engine volume with the template driver and options', () => {
    expect(t.task.volumes).toEqual([{ name: 'task-task-fcgi-socket', scope: 'task', driver: 'local', driverOpts: OPTS, labels: {} }]);
    const field = t.fields.find((f) => f.path === 'task.Volumes.fcgi-socket')!;
    expect(field.outcome).toBe('honoured');
    expect(field.detail).toMatch(/^task-scoped engine volume task-task-fcgi-socket .*removed with it/);
  });

  test('both containers mount it read-write, carrying the tmpfs flags a read-write bind keeps under Docker', () => {
    for (const name of ['app', 'proxy'])
      expect(spec(name).mounts).toEqual([
        { kind: 'volume', source: 'task-task-fcgi-socket', target: '/run/fcgi', readOnly: false, volumeFlags: ['noexec', 'nosuid', 'nodev'] },
      ]);
  });

  test('Docker gets the plain volume mount (it keeps the flags itself); podman names the flags', () => {
    const body = dockerContainerBody(spec('proxy'), t.task, undefined, new Map());
    expect(body.HostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'task-task-fcgi-socket', Target: '/run/fcgi', ReadOnly: false }]);
    expect(podmanCreateArgs(spec('proxy'), 'task')).toContain('type=volume,source=task-task-fcgi-socket,target=/run/fcgi,noexec,nosuid,nodev');
    const ro = { ...spec('proxy'), mounts: [{ ...spec('proxy').mounts![0], readOnly: true }] };
    expect(podmanCreateArgs(ro, 'task')).toContain('type=volume,source=task-task-fcgi-socket,target=/run/fcgi,ro');
  });
});

describe('Docker volumes the runner does not create', () => {
  const one = (config: Record<string, unknown>) => translateVolumes([{ Name: 'v', DockerVolumeConfiguration: config }], 'task', {});

  test.each([
    [{ Scope: 'shared', Autoprovision: true, Driver: 'local' }, 'Scope "shared"'],
    [{ Scope: 'task', Driver: 'rexray/ebs' }, 'Driver "rexray/ebs"'],
    [{ Scope: 'task', Driver: 'local', DriverOpts: { o: 'size=1m\n' } }, 'is not a name and a one-line string'],
    [{ Scope: 'task', Driver: 'local', DriverOpts: { '--privileged': 'x' } }, 'is not a name and a one-line string'],
    [{ Scope: 'task', Driver: 'local', DriverOpts: { o: 5 } }, 'is not a name and a one-line string'],
    [{ Scope: 'task', Driver: 'local', Labels: 'x' }, 'Labels "x" is not a map of strings'],
  ])('%j is reported as not created', (config, why) => {
    const v = one(config);
    expect(v.byName).toEqual({});
    expect(v.fields).toEqual([expect.objectContaining({ path: 'task.Volumes.v', outcome: 'not-honoured', detail: expect.stringContaining(why) })]);
  });

  test("ECS's defaults (scope task, driver local) apply when the template leaves them out", () => {
    expect(one({}).byName.v).toEqual({ name: 'task-task-v', scope: 'task', driver: 'local', driverOpts: {}, labels: {} });
  });
});

describe('creating a task-scoped volume', () => {
  /** The calls a Docker client receives (dockerode's getVolume/createVolume), with a volume of that name already there or not. */
  function fakeDocker(exists: boolean) {
    const calls: string[] = [];
    let present = exists;
    const docker = {
      getVolume: (name: string) => ({
        remove: async () => {
          calls.push(`remove ${name}`);
          if (!present) throw Object.assign(new Error('no such volume'), { statusCode: 404 });
          present = false;
        },
        inspect: async () => calls.push(`inspect ${name}`),
      }),
      createVolume: async (body: unknown) => calls.push(`create ${JSON.stringify(body)}`),
    };
    return { docker: docker as any, calls };
  }
  const volume = t.task.volumes![0];

  test.each([false, true])(
    'Docker (a volume of that name there already: %s): removed, then created with the driver, its options and the labels',
    async (exists) => {
      const { docker, calls } = fakeDocker(exists);
      expect(await ensureDockerVolume(docker, volume, { l: 'task' }, 'img')).toEqual({ created: true });
      expect(calls).toEqual([
        'remove task-task-fcgi-socket',
        `create ${JSON.stringify({ Name: 'task-task-fcgi-socket', Driver: 'local', DriverOpts: OPTS, Labels: { l: 'task' } })}`,
      ]);
    },
  );
});
