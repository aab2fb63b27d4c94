#!/usr/bin/env bash
# Runs one job in a fresh boot of the VM test host (build-image.sh) and exits with the job's status.
#
#   test/vm/run.sh JOB_DIR [TIMEOUT_SECONDS]
#
# JOB_DIR holds an executable `job` and whatever it needs. It becomes a second disk (`mke2fs -d`,
# no mount on the host) that the guest mounts at /job; a systemd unit baked into the image
# (vm-job.service) runs /job/job as root once the system is up, copies its output to the serial
# console (printed here as it comes) and to /job/out/log, writes its status to /job/out/status and
# powers the guest off. The root disk is booted with qemu's -snapshot: every run starts from the
# same image and leaves it untouched.
#
# KVM is used when it boots a guest (SECURE_ECS_VM_ACCEL=kvm forces it); otherwise qemu's software
# emulation (TCG). A run that does not end within TIMEOUT_SECONDS (default 3600) is killed and
# fails. Exit status: the job's; 124 on timeout; 125 when the guest ended without a status.
# The guest's log is kept at $SECURE_ECS_VM_LOG when that is set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
job_dir=${1:?usage: test/vm/run.sh JOB_DIR [TIMEOUT_SECONDS]}
timeout_s=${2:-3600}
[ -x "$job_dir/job" ] || { echo "run.sh: $job_dir/job is missing or not executable" >&2; exit 2; }

t0=$SECONDS
# SECURE_ECS_VM_IMAGE: an image directory to boot instead (when debugging a recipe change).
image=${SECURE_ECS_VM_IMAGE:-$("$here/build-image.sh")}
echo "[vm] image $image (ready after $((SECONDS - t0)) s)" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/secure-ecs-vm.XXXXXX")
qemu_pid=""
cleanup() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The job disk: the job directory plus room for its output and whatever it writes there.
t1=$SECONDS
size_mib=$(($(du -sm "$job_dir" | cut -f1) * 2 + 2048))
truncate -s "${size_mib}M" "$tmp/job.img"
mke2fs -q -t ext4 -L job -d "$job_dir" "$tmp/job.img"
echo "[vm] job disk ${size_mib} MiB made in $((SECONDS - t1)) s" >&2

accel=${SECURE_ECS_VM_ACCEL:-tcg}
# The stock kernel hangs early under this machine's nested KVM; KVM is used only when asked for.
if [ "$accel" = kvm ] && [ ! -w /dev/kvm ]; then echo "run.sh: SECURE_ECS_VM_ACCEL=kvm but /dev/kvm is not usable" >&2; exit 2; fi
# Under TCG the guest CPU is a Nehalem (SSE4.2, no AVX). With `max` (AVX and AVX2 emulated) the Wasm
# SIMD code of aws-cdk-lib's CloudFormation validator (@aws/cloudformation-validate) crashed node with
# SIGSEGV during synth (exit 139, once in two runs); with `qemu64` V8 refuses to compile it ("Wasm
# SIMD unsupported": V8 needs SSE4.1). SECURE_ECS_VM_CPU picks another model.
cpu=${SECURE_ECS_VM_CPU:-$([ "$accel" = kvm ] && echo host || echo Nehalem)}
# TCG runs both vCPUs on one host thread (thread=single), not one thread each (qemu's default,
# multi-threaded TCG). The guest kernel patches its own code while it runs (static keys: a cgroup
# given a CPU quota flips the scheduler's cfs_bandwidth_used key; text_poke_bp plants an int3, syncs
# the other CPUs, then writes the new bytes). Under multi-threaded TCG the other vCPU sometimes still
# ran the stale int3 after the patch was done: "Oops: int3" in pick_task_fair killed the guest in the
# middle of a CI job (and once in update_sched_domain_debugfs while booting). With one thread no
# vCPU runs while another patches, so translated code is invalidated before it runs again.
if [ "$accel" = tcg ]; then accel_opts="tcg,thread=single"; else accel_opts=$accel; fi

# One boot of the guest; sets qemu_status. The deadline covers every boot together.
deadline=$((SECONDS + timeout_s))
boot() {
  local left=$((deadline - SECONDS))
  echo "[vm] booting ($accel_opts, 2 vCPUs, ${SECURE_ECS_VM_MEMORY:-4096} MiB), timeout ${left} s" >&2
  t2=$SECONDS
  timeout --kill-after=10 "$left" qemu-system-x86_64 \
    -accel "$accel_opts" -cpu "$cpu" -smp 2 -m "${SECURE_ECS_VM_MEMORY:-4096}" \
    -display none -monitor none -serial stdio -no-reboot \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 quiet loglevel=3 panic=-1 systemd.show_status=0" \
    -snapshot \
    -drive "file=$image/rootfs.img,format=raw,if=virtio" \
    -drive "file=$tmp/job.img,format=raw,if=virtio,snapshot=off" \
    -nic user,model=virtio-net-pci </dev/null &
  qemu_pid=$!
  set +e
  wait "$qemu_pid"
  qemu_status=$?
  set -e
  qemu_pid=""
  echo "[vm] guest ran for $((SECONDS - t2)) s (qemu exit $qemu_status)" >&2
  [ "$qemu_status" = 124 ] && { echo "[vm] TIMEOUT after ${timeout_s} s" >&2; exit 124; }
  return 0
}
# The job has started once the guest wrote /out/log on the job disk (vm-job.service).
job_started() { debugfs -R "stat /out/log" "$tmp/job.img" 2>/dev/null | grep -q '^Inode:'; }

boot
# Under TCG the guest kernel sometimes dies while it boots (seen once in about a dozen boots: an
# "Oops: int3" in update_sched_domain_debugfs, a breakpoint left by the kernel patching its own code
# while the other vCPU runs it). Nothing of the job ran then and the root disk is a snapshot, so a
# second boot is the same run; a crash after the job started is reported, never retried.
if ! job_started; then
  echo "[vm] the guest died before the job started (see the console above): booting once more" >&2
  boot
fi

[ -n "${SECURE_ECS_VM_LOG:-}" ] && debugfs -R "dump /out/log ${SECURE_ECS_VM_LOG}" "$tmp/job.img" >/dev/null 2>&1 || true
status=$(debugfs -R "cat /out/status" "$tmp/job.img" 2>/dev/null | tr -dc '0-9')
if [ -z "$status" ]; then
  echo "[vm] the guest ended without writing a job status (boot failure or crash: see the console above)" >&2
  exit 125
fi
echo "[vm] job exit status $status" >&2
exit "$status"
