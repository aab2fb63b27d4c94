import { tasksMaxCommand } from '../../lib/local/engines/podman/pod-pids';

describe('the podman pod PIDs limit with the systemd cgroup manager', () => {
  test("is the pod slice's TasksMax, set for this boot in the user's manager when rootless and the system's when rootful", () => {
    const rootless = 'user.slice/user-1001.slice/user@1001.service/user.slice/user-libpod_pod_f434.slice';
    expect(tasksMaxCommand({ rootless: true }, rootless, 256)).toEqual(['--user', 'set-property', '--runtime', 'user-libpod_pod_f434.slice', 'TasksMax=256']);
    expect(tasksMaxCommand({ rootless: false }, 'machine.slice/machine-libpod_pod_47b9.slice', 512)).toEqual([
      'set-property',
      '--runtime',
      'machine-libpod_pod_47b9.slice',
      'TasksMax=512',
    ]);
  });

  test('refuses a pod cgroup that is not a slice (the property would land on another unit)', () => {
    expect(() => tasksMaxCommand({ rootless: true }, 'machine.slice/libpod-abc.scope', 256)).toThrow(/is not a systemd slice/);
    expect(() => tasksMaxCommand({ rootless: true }, '', 256)).toThrow(/is not a systemd slice/);
  });
});
