#!/usr/bin/env bash
# Builds the VM test host: a Debian 13 (trixie) guest with systemd (cgroup v2 only), Docker
# (docker.io, systemd cgroup driver), podman for rootless use (uidmap, slirp4netns, passt), AppArmor,
# and Debian's Node.js and npm. Everything comes from Debian's archive through mmdebstrap; the kernel
# is Debian's stock kernel and the initramfs is the one initramfs-tools makes for it.
#
# The result is cached by the content hash of the recipe (the part of this script between the
# "recipe" markers, and the mirror):
#   $SECURE_ECS_VM_CACHE/<hash>/{vmlinuz,initrd.img,rootfs.img}
# and the cache directory is printed on stdout. An unchanged recipe is never rebuilt. The disk is a
# sparse raw ext4 image made with `mke2fs -d` (no loop mount, no qemu-img); runs boot it with
# qemu's -snapshot so it is never written.
#
# Needs root (mmdebstrap in root mode) and Debian's archive. Usage: test/vm/build-image.sh
set -euo pipefail

MIRROR=${SECURE_ECS_VM_MIRROR:-http://deb.debian.org/debian}
CACHE=${SECURE_ECS_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secure-ecs-vm}
hash=$( (sed -n '/^# ---- recipe/,/^# ---- end of recipe/p' "$0"; echo "$MIRROR") | sha256sum | cut -c1-16)
out="$CACHE/$hash"
ready() { [ -f "$out/rootfs.img" ] && [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.img" ]; }
ready && { echo "$out"; exit 0; }

log() { printf '[vm image] %s\n' "$*" >&2; }
mkdir -p "$CACHE"
# One build at a time: a second run waits for the first and uses its image.
exec 9>"$CACHE/.lock"
flock 9
ready && { echo "$out"; exit 0; }
work=$(mktemp -d "$CACHE/build.XXXXXX")
# --one-file-system: never follow into a mount mmdebstrap may have left in the chroot.
trap 'rm -rf --one-file-system "$work"' EXIT
start=$SECONDS

# ---- recipe (hashed: a change here rebuilds the image)

# The users the suite runs as: a member of the docker group (Docker as a non-root user) and a user
# with subordinate ids and a lingering systemd user manager (rootless podman with cgroup v2 delegation).
# /etc/fstab and the network (qemu's user-mode network answers DHCP) are the guest's only setup; the
# job unit is installed per run by run.sh's job disk.
customize=$(cat <<'EOF'
set -e
root=$1
echo '/dev/vda / ext4 rw,relatime 0 1' > "$root/etc/fstab"
echo secure-ecs-vm > "$root/etc/hostname"
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en*\n[Network]\nDHCP=yes\n' > "$root/etc/systemd/network/50-qemu.network"
chroot "$root" systemctl enable systemd-networkd.service
# A clean console for the job's output: no login prompt, no wait for the network.
chroot "$root" systemctl mask serial-getty@ttyS0.service getty@tty1.service systemd-networkd-wait-online.service
chroot "$root" useradd --create-home --shell /bin/bash --groups docker dockeruser
chroot "$root" useradd --create-home --shell /bin/bash podmanuser
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/podmanuser"
# The job runner (run.sh): /dev/vdb is the job disk; its `job` runs once the system is up, its output
# goes to the serial console and /job/out/log, its status to /job/out/status, then the guest powers off.
cat > "$root/usr/local/sbin/vm-job" <<'JOB'
#!/bin/bash
mkdir -p /job && mount /dev/vdb /job && mkdir -p /job/out || { echo "vm-job: no job disk" > /dev/ttyS0; systemctl poweroff; exit 1; }
echo "[vm] job starts at guest uptime $(cut -d' ' -f1 /proc/uptime) s" | tee /job/out/log > /dev/ttyS0
cd /job && ./job 2>&1 | tee -a /job/out/log > /dev/ttyS0
echo "${PIPESTATUS[0]}" > /job/out/status
echo "[vm] job ends at guest uptime $(cut -d' ' -f1 /proc/uptime) s" > /dev/ttyS0
cd / && sync && umount /job
systemctl poweroff --no-block
JOB
chmod 755 "$root/usr/local/sbin/vm-job"
cat > "$root/etc/systemd/system/vm-job.service" <<'UNIT'
[Unit]
Description=secure-ecs VM test job (run.sh)
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vm-job
StandardOutput=tty
TTYPath=/dev/ttyS0
[Install]
WantedBy=multi-user.target
UNIT
chroot "$root" systemctl enable vm-job.service
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
EOF
)

log "mmdebstrap trixie (kernel, systemd, docker.io and docker-cli, podman, nodejs, npm) from $MIRROR"
mmdebstrap --variant=apt --format=directory \
  --include=linux-image-amd64,initramfs-tools,systemd,systemd-sysv,udev,dbus,dbus-user-session,libpam-systemd,iproute2,iptables,kmod,procps,e2fsprogs,ca-certificates,curl,git,apparmor,docker.io,docker-cli,podman,crun,runc,catatonit,uidmap,slirp4netns,passt,fuse-overlayfs,nodejs,npm \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="$customize" \
  trixie "$work/root" "deb $MIRROR trixie main" >&2
log "root filesystem built in $((SECONDS - start)) s"
# ---- end of recipe

cp "$(ls "$work"/root/boot/vmlinuz-* | head -n1)" "$work/vmlinuz"
cp "$(ls "$work"/root/boot/initrd.img-* | head -n1)" "$work/initrd.img"
truncate -s 12G "$work/rootfs.img"
mke2fs -q -t ext4 -L secure-ecs-vm -d "$work/root" "$work/rootfs.img"
rm -rf "$work/root"
mkdir -p "$out"
mv "$work/vmlinuz" "$work/initrd.img" "$work/rootfs.img" "$out/"
log "image ready in $((SECONDS - start)) s: $out"
echo "$out"
