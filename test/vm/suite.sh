#!/usr/bin/env bash
# `npm run test:vm`: the VM suite. Runs test/vm/guest/job in a fresh boot of the VM test host
# (Debian 13, systemd, cgroup v2 only; test/vm/build-image.sh) with this working tree and the task's
# images, and exits with the job's status (test/vm/run.sh).
#
# The guest needs no registry: the working tree goes in with the host's node_modules (same
# architecture; the guest runs Debian's Node 20), and the task's images go in as a `docker save`
# archive. Build them first on the host (`npm start` once); images of a different tree are rebuilt in
# the guest, slowly, through qemu's user-mode network.
#
# Environment: VM_PARTS selects parts of the guest job (see test/vm/guest/job), VM_TIMEOUT bounds the
# whole run in seconds (default 3600), SECURE_ECS_VM_LOG keeps the guest's log, SECURE_ECS_E2E_TIME_FACTOR
# overrides how much the guest's end-to-end tests stretch their waits (default 5: test/e2e/time-allowance.ts).
# Needs root (mmdebstrap for the image), qemu-system-x86, mmdebstrap, e2fsprogs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
t0=$SECONDS
job=$(mktemp -d "${TMPDIR:-/tmp}/secure-ecs-vm-job.XXXXXX")
trap 'rm -rf "$job"' EXIT

# The working tree as git sees it (tracked and untracked, not ignored), plus node_modules.
mkdir "$job/repo"
git ls-files -z --cached --others --exclude-standard | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
  tar --null -T - -cf - | tar -xf - -C "$job/repo"
cp -a --reflink=auto node_modules "$job/repo/"
# The host's synthesized assembly (npm start made it; the images below are built from it): synth is
# host-independent JavaScript, and under TCG it takes about 5 minutes and crashed V8 once in four runs
# (SIGSEGV, exit 139). `npm start` in the guest finds it current (mtimes kept) and goes on to the
# engine, which is what the VM tests. A tree edited after the last synth is synthesized in the guest.
[ -d cdk.out ] && cp -a cdk.out "$job/repo/"
cp test/vm/guest/job "$job/job"
{
  [ -n "${VM_PARTS:-}" ] && printf 'VM_PARTS=%q\n' "$VM_PARTS"
  [ -n "${START_TIMEOUT:-}" ] && printf 'START_TIMEOUT=%q\n' "$START_TIMEOUT"
  [ -n "${SECURE_ECS_E2E_TIME_FACTOR:-}" ] && printf 'export SECURE_ECS_E2E_TIME_FACTOR=%q\n' "$SECURE_ECS_E2E_TIME_FACTOR"
  true
} > "$job/env"

# The task's images: those built from this tree's CDK assets (labelled secure-ecs.asset=<hash> by the
# runner), from Docker or else podman.
engine=docker
docker info >/dev/null 2>&1 || engine=podman
refs=()
# The image assets of the current assembly (its *.assets.json; cdk.out keeps older asset folders too).
hashes=$(node -e 'const fs = require("fs");
for (const f of fs.readdirSync("cdk.out").filter((f) => f.endsWith(".assets.json")))
  for (const hash of Object.keys(JSON.parse(fs.readFileSync(`cdk.out/${f}`, "utf8")).dockerImages ?? {})) console.log(hash);')
for hash in $hashes; do
  ref=$($engine images --filter "label=secure-ecs.asset=$hash" --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' | head -n1 || true)
  [ -n "$ref" ] && refs+=("$ref")
done
if [ ${#refs[@]} -eq 0 ]; then
  echo "test:vm: no task images built from cdk.out on $engine: run \`npm start\` once first (the guest has no registry)" >&2
  exit 1
fi
$engine save -o "$job/images.tar" "${refs[@]}"
# The guest's non-root users read the job disk (mktemp and save make their files private).
chmod 755 "$job" && chmod 644 "$job/images.tar"
echo "[vm] job prepared in $((SECONDS - t0)) s: $(du -sh "$job" | cut -f1), images ${refs[*]}" >&2

exec_status=0
"$repo/test/vm/run.sh" "$job" "${VM_TIMEOUT:-3600}" || exec_status=$?
echo "[vm] test:vm took $((SECONDS - t0)) s in all" >&2
exit "$exec_status"
