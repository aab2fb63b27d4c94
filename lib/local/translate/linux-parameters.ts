/**
 * The handlers of `LinuxParameters`' fields, one per field: a field without one is reported as not
 * honoured by translate/container.ts.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_linuxparameters
 */
import { asArray, bool, isObj, num, short, type Collector, type Json, type Mutable } from './collector';

/** ECS capability names are bare (`NET_ADMIN`); both engines accept them as they are. */
const capList = (v: Json): string[] => asArray(v).filter((c): c is string => typeof c === 'string');

export const LINUX_PARAMETERS: Record<string, (value: Json, c: Collector, out: Mutable) => void> = {
  Capabilities(v, c, out) {
    if (!isObj(v)) return;
    for (const key of Object.keys(v)) {
      if (key !== 'Add' && key !== 'Drop') c.notHonoured(`LinuxParameters.Capabilities.${key}`, 'unknown to the translator; ignored');
    }
    const drop = capList(v.Drop);
    const add = capList(v.Add);
    // Drop before add, as Docker applies them: `--cap-drop ALL --cap-add X` leaves exactly X.
    out.spec.capDrop.push(...drop);
    out.spec.capAdd.push(...add);
    if (drop.length) c.honoured('LinuxParameters.Capabilities.Drop', `--cap-drop ${drop.join(',')}`);
    if (add.length) c.honoured('LinuxParameters.Capabilities.Add', `--cap-add ${add.join(',')}`);
  },
  Devices(v, c, out) {
    const devices = asArray(v).filter(isObj);
    for (const d of devices) {
      const perms = asArray(d.Permissions)
        .map((p) => ({ read: 'r', write: 'w', mknod: 'm' })[String(p)] ?? '')
        .join('');
      out.spec.devices.push({ hostPath: String(d.HostPath), containerPath: String(d.ContainerPath ?? d.HostPath), permissions: perms });
    }
    if (devices.length) c.honoured('LinuxParameters.Devices', `--device (${devices.length})`);
  },
  InitProcessEnabled(v, c, out) {
    if (bool(v)) {
      // Docker's --init (tini) on ECS; podman's --init runs catatonit: both reap zombies and forward signals.
      out.spec.init = true;
      c.honoured('LinuxParameters.InitProcessEnabled', '--init (an init as PID 1: catatonit on podman, tini on Docker as on ECS)');
    } else {
      c.honoured('LinuxParameters.InitProcessEnabled', 'false: no init process');
    }
  },
  MaxSwap(v, c, out) {
    const maxSwap = num(v);
    if (maxSwap === undefined) return c.notHonoured('LinuxParameters.MaxSwap', `not a number (${short(v)}); the host's swap setting applies`);
    if (out.spec.memoryMiB === undefined) return c.notHonoured('LinuxParameters.MaxSwap', 'needs Memory (docker --memory-swap is memory + swap); ignored');
    // ECS: "translated to the --memory-swap option ... the sum of the container memory plus the maxSwap value".
    out.spec.memorySwapMiB = out.spec.memoryMiB + maxSwap;
    c.honoured('LinuxParameters.MaxSwap', `--memory-swap ${out.spec.memorySwapMiB}m (Memory + MaxSwap)`);
  },
  SharedMemorySize(v, c, out) {
    const size = num(v);
    if (size === undefined) return c.notHonoured('LinuxParameters.SharedMemorySize', `not a number (${short(v)}); the engine's default /dev/shm applies`);
    out.spec.shmSizeMiB = size;
    c.honoured('LinuxParameters.SharedMemorySize', `--shm-size ${size}m`);
  },
  Swappiness(v, c, out) {
    const swappiness = num(v);
    if (swappiness === undefined) return c.notHonoured('LinuxParameters.Swappiness', `not a number (${short(v)})`);
    out.spec.swappiness = swappiness;
    c.honoured('LinuxParameters.Swappiness', `--memory-swappiness ${swappiness}`);
  },
  Tmpfs(v, c, out) {
    const mounts = asArray(v).filter(isObj);
    const described: string[] = [];
    for (const m of mounts) {
      const size = num(m.Size);
      const options = asArray(m.MountOptions).map(String);
      if (size !== undefined) options.push(`size=${size}m`);
      out.spec.tmpfs[String(m.ContainerPath)] = options;
      described.push(`${m.ContainerPath}:${options.join(',')}`);
    }
    if (mounts.length) c.honoured('LinuxParameters.Tmpfs', `--tmpfs ${described.join(' --tmpfs ')}`);
  },
};
