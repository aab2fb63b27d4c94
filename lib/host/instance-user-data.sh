#!/bin/bash
# Hardening for an ECS-optimized Amazon Linux 2023 container instance.
#
# Rendered into the launch template's user data by lib/constructs/host-user-data.ts, which prepends
# the variables below. cloud-init runs it before ecs.service starts (the unit is ordered after
# cloud-final), so every setting is in place before the agent accepts a task.
#
# Fail closed: if any step fails, the ECS agent is masked, the instance never joins the cluster and
# the service's deployment circuit breaker reports the failure instead of running on a soft host.
#
# Inputs (environment, set by the CDK construct):
#   ECS_CLUSTER_NAME                 cluster to join
#   ECS_TASK_PIDS_LIMIT              per-task pids.max (CIS Docker 5.29)
#   ECS_CONTAINER_STOP_TIMEOUT       e.g. 30s
#   DOCKER_NOFILE_SOFT/HARD, DOCKER_NPROC_SOFT/HARD  daemon default ulimits (CIS Docker 2.8)
set -euo pipefail

: "${ECS_CLUSTER_NAME:?}" "${ECS_TASK_PIDS_LIMIT:?}" "${ECS_CONTAINER_STOP_TIMEOUT:?}"
: "${DOCKER_NOFILE_SOFT:?}" "${DOCKER_NOFILE_HARD:?}" "${DOCKER_NPROC_SOFT:?}" "${DOCKER_NPROC_HARD:?}"

fail_closed() {
  echo "secure-ecs: host hardening failed at line $1; masking ecs.service so no task runs here" >&2
  systemctl mask --now ecs.service || true
}
trap 'fail_closed $LINENO' ERR

# --- 1. ECS agent settings -------------------------------------------------------------------
# https://github.com/aws/amazon-ecs-agent#environment-variables
# Log level info; off-host introspection and the localhost traffic filter keep their safe defaults.
mkdir -p /etc/ecs
cat > /etc/ecs/ecs.config <<CONFIG
ECS_CLUSTER=${ECS_CLUSTER_NAME}
ECS_DISABLE_PRIVILEGED=true
ECS_AWSVPC_BLOCK_IMDS=true
ECS_ENABLE_TASK_IAM_ROLE=true
ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=false
ECS_TASK_PIDS_LIMIT=${ECS_TASK_PIDS_LIMIT}
ECS_CONTAINER_STOP_TIMEOUT=${ECS_CONTAINER_STOP_TIMEOUT}
ECS_LOGLEVEL=info
CONFIG
chmod 0600 /etc/ecs/ecs.config

# --- 2. Docker daemon hardening (CIS Docker 2.3, 2.8, 2.14, 2.15, 2.16; icc 2.2) -----------------
# The AMI passes --default-ulimit in /etc/sysconfig/docker; dockerd refuses to start when a setting
# is given both as a flag and in daemon.json, so the flag is removed and daemon.json is merged.
if [ -f /etc/sysconfig/docker ]; then
  sed -i -E 's/--default-ulimit[= ][^ "]+//g; s/--log-level[= ][^ "]+//g' /etc/sysconfig/docker
fi
mkdir -p /etc/docker
python3 - <<PY
import json, os
path = "/etc/docker/daemon.json"
current = json.load(open(path)) if os.path.exists(path) else {}
current.update({
    "no-new-privileges": True,
    "live-restore": True,
    "userland-proxy": False,
    "icc": False,
    "log-level": "info",
    "default-ulimits": {
        "nofile": {"Name": "nofile", "Soft": ${DOCKER_NOFILE_SOFT}, "Hard": ${DOCKER_NOFILE_HARD}},
        "nproc": {"Name": "nproc", "Soft": ${DOCKER_NPROC_SOFT}, "Hard": ${DOCKER_NPROC_HARD}},
    },
})
json.dump(current, open(path, "w"), indent=2)
PY
systemctl restart docker.service
systemctl is-active --quiet docker.service

# --- 3. Containers cannot reach the instance metadata service -----------------------------------
# awsvpc tasks: ECS_AWSVPC_BLOCK_IMDS above. Bridge-mode containers: a DROP in DOCKER-USER, the chain
# Docker leaves to users and never flushes (a FORWARD rule loses to Docker's own rules after a
# daemon restart: aws/aws-cdk#17896). Re-applied by a unit on every docker start, so it survives
# reboots without iptables-services (`service iptables save` fails on AL2023: aws/aws-cdk#28518).
# The launch template's hop limit of 1 is the second layer.
cat > /usr/local/sbin/secure-ecs-block-imds <<'SCRIPT'
#!/bin/bash
set -euo pipefail
iptables -N DOCKER-USER 2>/dev/null || true
iptables -C DOCKER-USER -d 169.254.169.254/32 -j DROP 2>/dev/null ||
  iptables -I DOCKER-USER 1 -d 169.254.169.254/32 -j DROP
SCRIPT
chmod 0755 /usr/local/sbin/secure-ecs-block-imds
cat > /etc/systemd/system/secure-ecs-block-imds.service <<'UNIT'
[Unit]
Description=Drop container traffic to the EC2 instance metadata service
After=docker.service
PartOf=docker.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/secure-ecs-block-imds
RemainAfterExit=yes

[Install]
WantedBy=docker.service
UNIT
systemctl daemon-reload
systemctl enable --now secure-ecs-block-imds.service

# --- 4. auditd rules: CIS Docker 1.1.3-1.1.18, plus the ECS agent's config and state ------------
# Only existing paths are watched (auditctl rejects a watch whose directory does not exist).
dnf install -y -q audit >/dev/null 2>&1 || rpm -q audit >/dev/null
{
  echo '# secure-ecs: CIS Docker Benchmark 1.1.3-1.1.18 and ECS agent files'
  for path in \
    /usr/bin/dockerd /var/lib/docker /etc/docker \
    /usr/lib/systemd/system/docker.service /run/containerd/containerd.sock \
    /usr/lib/systemd/system/docker.socket /etc/default/docker /etc/docker/daemon.json \
    /etc/containerd/config.toml /etc/sysconfig/docker /usr/bin/containerd \
    /usr/bin/containerd-shim /usr/bin/containerd-shim-runc-v1 /usr/bin/containerd-shim-runc-v2 \
    /usr/bin/runc; do
    if [ -e "$path" ]; then echo "-w $path -k docker"; fi
  done
  if [ -e /run/containerd ]; then echo '-a exit,always -F path=/run/containerd -F perm=war -k docker'; fi
  for path in /etc/ecs/ecs.config /var/lib/ecs; do
    if [ -e "$path" ]; then echo "-w $path -k ecs"; fi
  done
} > /etc/audit/rules.d/docker.rules
augenrules --load
systemctl enable --now auditd.service

echo "secure-ecs: host hardening applied"
