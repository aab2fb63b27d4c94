import { appContainerName, fitTask } from '../../lib/fit-check/hardening';

const limits = { taskCpu: 256, taskMemoryMiB: 512, taskPidsLimit: 256, appMemoryMiB: 256, appCpuShares: 192 };
const run = (readOnlyRoot: boolean, writablePaths: { containerPath: string; sizeMiB: number }[] = []) =>
  fitTask({
    taskName: 'fit-1',
    labels: { 'secure-ecs.fit-check': 'fit-1' },
    image: 'img:1',
    containerPort: 8080,
    hostPort: 40000,
    readOnlyRoot,
    writablePaths,
    limits,
  });

describe('the container the fit check runs', () => {
  test("the app container's hardening, with the image's own user and command", () => {
    const { container: c, task } = run(false);
    expect(c).toMatchObject({
      engineName: appContainerName('fit-1'),
      capDrop: ['ALL'],
      capAdd: [],
      securityOpt: ['no-new-privileges'],
      init: true,
      privileged: false,
      memoryMiB: 256,
      cpuShares: 192,
      readOnlyRootfs: false,
      tmpfs: { '/tmp': ['rw', 'noexec', 'nosuid', 'nodev', 'size=16m'] },
      ulimits: [
        { name: 'nofile', soft: 4096, hard: 4096 },
        { name: 'nproc', soft: 1024, hard: 1024 },
      ],
    });
    expect(c.user).toBeUndefined();
    expect(c.command).toBeUndefined();
    expect(task).toMatchObject({ cpuUnits: 256, memoryMiB: 512, pidsLimit: 256, share: [] });
    expect(task.publish).toEqual([{ hostIp: '127.0.0.1', hostPort: 40000, containerPort: 8080, protocol: 'tcp' }]);
  });

  test('the second run: read-only root, the declared paths as sized noexec tmpfs', () => {
    const { container: c } = run(true, [{ containerPath: '/var/log/app', sizeMiB: 16 }]);
    expect(c.readOnlyRootfs).toBe(true);
    expect(c.tmpfs['/var/log/app']).toEqual(['rw', 'noexec', 'nosuid', 'nodev', 'size=16m']);
  });
});
