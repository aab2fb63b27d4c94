#!/usr/bin/python3
"""Report this container instance's state to CloudFormation and EC2 Auto Scaling.

    secure-ecs-report signal SUCCESS|FAILURE REASON   CloudFormation SignalResource for the ASG
    secure-ecs-report unhealthy REASON                Auto Scaling SetInstanceHealth Unhealthy

Why a script and not cfn-signal or the AWS CLI: the ECS-optimized AL2023 AMI has neither. It is
built from al2023-ami-minimal plus a short package list (aws/amazon-ecs-ami variables.pkr.hcl,
`packages_al2023`), without aws-cfn-bootstrap (aws/containers-roadmap#1368,
amazonlinux/amazon-linux-2023#768) or awscli, and installing them at boot through the NAT is the
failure this reporting must survive. python3 is on the AMI (dnf runs on it), so this uses only its
standard library: credentials from IMDSv2, a Signature Version 4 request to the regional Query API
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).

Settings come from /etc/secure-ecs/report.env (written by the user data): AWS_REGION, CFN_STACK,
CFN_RESOURCE (the ASG's logical id). Nothing secret is printed.
"""
import datetime
import hashlib
import hmac
import json
import os
import sys
import urllib.parse
import urllib.request

IMDS = "http://169.254.169.254/latest"
SETTINGS_FILE = "/etc/secure-ecs/report.env"


def read_settings(path=SETTINGS_FILE):
    settings = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, sep, value = line.strip().partition("=")
            if sep:
                settings[name] = value.strip("'\"")
    return settings


def imds(path, session=None, method="GET"):
    headers = {"X-aws-ec2-metadata-token": session} if session else {"X-aws-ec2-metadata-token-ttl-seconds": "300"}
    request = urllib.request.Request(IMDS + path, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


def instance_identity():
    session = imds("/api/token", method="PUT")
    role = imds("/meta-data/iam/security-credentials/", session).split("\n")[0]
    credentials = json.loads(imds("/meta-data/iam/security-credentials/" + role, session))
    return imds("/meta-data/instance-id", session), credentials


def _hmac(key, message):
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def sign(method, host, region, service, body, amz_date, access_key, secret_key, session=None,
         content_type="application/x-www-form-urlencoded; charset=utf-8"):
    """Headers of a SigV4-signed request with `body` to https://host/ (path "/", no query)."""
    headers = {"host": host, "x-amz-date": amz_date}
    if content_type:
        headers["content-type"] = content_type
    if session:
        headers["x-amz-security-token"] = session
    signed = ";".join(sorted(headers))
    canonical = "\n".join([
        method, "/", "",
        "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)),
        signed,
        hashlib.sha256(body.encode()).hexdigest(),
    ])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret_key).encode(), amz_date[:8]), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
    return headers


def call(service, region, params, credentials):
    host = f"{service}.{region}.amazonaws.com"
    body = urllib.parse.urlencode(params)
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = sign("POST", host, region, service, body, amz_date, credentials["AccessKeyId"],
                   credentials["SecretAccessKey"], credentials.get("Token"))
    request = urllib.request.Request(f"https://{host}/", data=body.encode(), method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def main(argv):
    if len(argv) == 4 and argv[1] == "signal" and argv[2] in ("SUCCESS", "FAILURE"):
        action = "signal"
    elif len(argv) == 3 and argv[1] == "unhealthy":
        action = "unhealthy"
    else:
        print("usage: secure-ecs-report signal SUCCESS|FAILURE REASON | unhealthy REASON", file=sys.stderr)
        return 2
    settings = read_settings(os.environ.get("SECURE_ECS_REPORT_ENV", SETTINGS_FILE))
    instance_id, credentials = instance_identity()
    region = settings["AWS_REGION"]
    if action == "signal":
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SignalResource.html
        # SignalResource has no reason field, but CloudFormation's event names the UniqueId
        # ("Received FAILURE signal with UniqueId ..."), which may be any 1-64 characters: a failure
        # carries its reason there, so the stack events say why the host failed.
        unique_id = instance_id if argv[2] == "SUCCESS" else f"{instance_id} {argv[3]}"[:64]
        call("cloudformation", region, {
            "Action": "SignalResource", "Version": "2010-05-15",
            "StackName": settings["CFN_STACK"], "LogicalResourceId": settings["CFN_RESOURCE"],
            "UniqueId": unique_id, "Status": argv[2],
        }, credentials)
    else:
        # https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetInstanceHealth.html
        call("autoscaling", region, {
            "Action": "SetInstanceHealth", "Version": "2011-01-01",
            "InstanceId": instance_id, "HealthStatus": "Unhealthy", "ShouldRespectGracePeriod": "false",
        }, credentials)
    print(f"secure-ecs-report: {action} {' '.join(argv[2:])} sent for {instance_id}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # report, never crash the caller's error path with a trace
        print(f"secure-ecs-report: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
