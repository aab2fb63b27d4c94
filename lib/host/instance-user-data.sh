#!/bin/bash
# Hardening for an ECS-optimized Amazon Linux 2023 container instance.
#
# Rendered into the launch template's user data by lib/host/al2023-user-data.ts, which prepends
# the variables below and installs /usr/local/sbin/secure-ecs-report (lib/host/secure-ecs-report.py).
# cloud-init runs it before ecs.service starts (the unit is ordered after cloud-final), so every
# setting is in place before the agent accepts a task.
#
# Fail closed and loudly: if any step fails, the ECS agent is masked (no task runs on a soft host),
# the Auto Scaling group's CloudFormation signal reports FAILURE with the failing line (the stack
# event names it, and the deployment rolls back), and the instance is marked Unhealthy so the group
# replaces it. After the script, secure-ecs-ready signals SUCCESS only once the agent has registered
# with the cluster, and secure-ecs-health marks the instance Unhealthy if the agent or the IMDS block
# is lost later.
#
# What the AMI already has, so nothing is installed at boot: the ECS-optimized AL2023 AMI is built
# from al2023-ami-minimal (aws/amazon-ecs-ami release-al2023.auto.pkrvars.hcl `source_ami_al2023`)
# plus `packages_al2023` (variables.pkr.hcl: amazon-efs-utils amazon-ssm-agent amazon-ec2-net-utils
# acpid iproute-tc ec2-instance-connect), docker and ecs-init. auditd ships in the base image (the
# AMI build's scripts/cleanup.sh clears /var/log/audit/audit.log before snapshotting); python3 and
# curl are part of the minimal image. cfn-signal (aws-cfn-bootstrap) and the AWS CLI are not
# (aws/containers-roadmap#1368, amazonlinux/amazon-linux-2023#768), hence secure-ecs-report.
#
# Inputs (environment, set by the CDK construct):
#   ECS_CLUSTER_NAME                 cluster to join
#   ECS_TASK_PIDS_LIMIT              per-task pids.max (CIS Docker 5.29)
#   ECS_CONTAINER_STOP_TIMEOUT       e.g. 30s
#   DOCKER_NOFILE_SOFT/HARD, DOCKER_NPROC_SOFT/HARD  daemon default ulimits (CIS Docker 2.8)
#   AWS_REGION, CFN_STACK, CFN_RESOURCE  where secure-ecs-report signals (the ASG's logical id)
#   AGENT_REGISTRATION_TIMEOUT_SECONDS   how long secure-ecs-ready waits for the agent to register
set -euo pipefail

: "${ECS_CLUSTER_NAME:?}" "${ECS_TASK_PIDS_LIMIT:?}" "${ECS_CONTAINER_STOP_TIMEOUT:?}"
: "${DOCKER_NOFILE_SOFT:?}" "${DOCKER_NOFILE_HARD:?}" "${DOCKER_NPROC_SOFT:?}" "${DOCKER_NPROC_HARD:?}"
: "${AWS_REGION:?}" "${CFN_STACK:?}" "${CFN_RESOURCE:?}" "${AGENT_REGISTRATION_TIMEOUT_SECONDS:?}"

# Reports name lines of this file: the user data runs it after other lines (the variables and the
# report helper) and without its comments, which it keeps as empty lines, so the offset is measured
# here, at a line of this file whose number is written in it (test/host-user-data.test.ts checks it).
SOURCE_LINE_OFFSET=$((LINENO - 40))
fail_closed() {
  local reason="hardening failed at instance-user-data.sh line $(($1 - SOURCE_LINE_OFFSET))"
  echo "secure-ecs: host ${reason}; masking ecs.service so no task runs here" >&2
  systemctl mask --now ecs.service || true
  # During a stack create/update the FAILURE signal fails the deployment, naming the line; outside
  # one (a scale-out) CloudFormation rejects it and Unhealthy alone has the group replace us.
  /usr/local/sbin/secure-ecs-report signal FAILURE "${reason}" || true
  /usr/local/sbin/secure-ecs-report unhealthy "${reason}" || true
}
trap 'fail_closed $LINENO' ERR

mkdir -p /etc/secure-ecs
cat > /etc/secure-ecs/report.env <<ENV
AWS_REGION=${AWS_REGION}
CFN_STACK=${CFN_STACK}
CFN_RESOURCE=${CFN_RESOURCE}
ENV

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
# audit is part of the AMI (see the header); its absence is a failure, not something to install.
rpm -q audit >/dev/null
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

# --- 5. Report: registered -> SUCCESS signal; lost later -> Unhealthy ------------------------------
# Registration can only be seen after ecs.service starts, which waits for cloud-final (this script),
# so a unit ordered after ecs.service waits for it and signals. The agent's introspection API
# reports the container instance ARN once registered:
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-introspection.html
cat > /usr/local/sbin/secure-ecs-ready <<SCRIPT
#!/bin/bash
set -uo pipefail
marker=/var/lib/secure-ecs/ready-reported
[ -e "\$marker" ] && exit 0
for _ in \$(seq 1 ${AGENT_REGISTRATION_TIMEOUT_SECONDS}); do
  if curl -fsS --max-time 2 http://127.0.0.1:51678/v1/metadata 2>/dev/null | grep -q '"ContainerInstanceArn":"arn:'; then
    mkdir -p /var/lib/secure-ecs && touch "\$marker"
    exec /usr/local/sbin/secure-ecs-report signal SUCCESS "registered"
  fi
  sleep 1
done
reason="ECS agent not registered after ${AGENT_REGISTRATION_TIMEOUT_SECONDS}s"
echo "secure-ecs: \$reason" >&2
/usr/local/sbin/secure-ecs-report signal FAILURE "\$reason"
/usr/local/sbin/secure-ecs-report unhealthy "\$reason"
exit 1
SCRIPT
# Once reported ready, a minute-by-minute check: the agent runs and is registered, and the IMDS
# block is in place. Three failures in a row mark the instance Unhealthy; the group replaces it
# (https://docs.aws.amazon.com/autoscaling/ec2/userguide/set-up-a-custom-health-check.html).
cat > /usr/local/sbin/secure-ecs-health <<'SCRIPT'
#!/bin/bash
set -uo pipefail
[ -e /var/lib/secure-ecs/ready-reported ] || exit 0
failures_file=/var/lib/secure-ecs/health-failures
if systemctl is-active --quiet ecs.service &&
  curl -fsS --max-time 2 http://127.0.0.1:51678/v1/metadata 2>/dev/null | grep -q '"ContainerInstanceArn":"arn:' &&
  iptables -C DOCKER-USER -d 169.254.169.254/32 -j DROP 2>/dev/null; then
  echo 0 > "$failures_file"
  exit 0
fi
failures=$(( $(cat "$failures_file" 2>/dev/null || echo 0) + 1 ))
echo "$failures" > "$failures_file"
echo "secure-ecs: health check failed (${failures} in a row)" >&2
if [ "$failures" -ge 3 ]; then
  exec /usr/local/sbin/secure-ecs-report unhealthy "agent or IMDS block lost"
fi
SCRIPT
chmod 0755 /usr/local/sbin/secure-ecs-ready /usr/local/sbin/secure-ecs-health
cat > /etc/systemd/system/secure-ecs-ready.service <<'UNIT'
[Unit]
Description=Signal CloudFormation once the ECS agent has registered
After=ecs.service
Wants=ecs.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/secure-ecs-ready
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
UNIT
cat > /etc/systemd/system/secure-ecs-health.service <<'UNIT'
[Unit]
Description=Mark this instance Unhealthy in its Auto Scaling group if the ECS agent or IMDS block is lost

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/secure-ecs-health
UNIT
cat > /etc/systemd/system/secure-ecs-health.timer <<'UNIT'
[Unit]
Description=Run secure-ecs-health every minute

[Timer]
OnBootSec=2min
OnUnitActiveSec=1min

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable secure-ecs-ready.service secure-ecs-health.timer
# --no-block: the ready unit waits for ecs.service, which waits for this script to end.
systemctl start --no-block secure-ecs-ready.service secure-ecs-health.timer

echo "secure-ecs: host hardening applied"
