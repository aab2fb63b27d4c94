#!/usr/bin/env bash
# Scratch end-to-end proof for containers/app and containers/proxy (not the
# final e2e suite): builds both images with podman, runs them as ONE pod (one
# network namespace, like an awsvpc task) with the full hardening flags,
# checks behaviour from the host and from inside each container, then tears
# everything down. Exit status is non-zero if any check failed.
#
# Usage: test/containers/smoke.sh            (run as root: rootful podman)
# Env:   SMOKE_PORT=18080   host port (published on 127.0.0.1 only)
#        SMOKE_KEEP=1       keep the pod (containers stopped) for poking around
#        SMOKE_SKIP_BUILD=1 reuse the images from a previous run
#        CONTAINERS_CONF    defaults to test/containers/containers.conf
#                           (runc + cgroupfs + explicit ulimits, see its comments)
#
# Base image: `FROM debian:trixie-slim`. If it is not in local storage the
# script tries a registry pull; where no registry is reachable it builds an
# equivalent slim root filesystem with mmdebstrap and imports it under the
# same name (podman resolves the short name to localhost/debian:trixie-slim).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

port=${SMOKE_PORT:-18080}
pod=sec-test
app=sec-test-app
proxy=sec-test-proxy
app_image=localhost/secure-ecs-app:smoke
proxy_image=localhost/secure-ecs-proxy:smoke
base_image=debian:trixie-slim
url=http://127.0.0.1:$port
retry_after=2 # non-default, to prove the env var reaches the header

# Hardening shared by both containers (the app/proxy specifics are added below).
hardening=(
    --read-only
    --cap-drop ALL
    --security-opt no-new-privileges
    --tmpfs '/tmp:rw,noexec,nosuid,nodev,size=16m'
    --init
    --pids-limit 128
    --ulimit nofile=4096:4096
    --ulimit nproc=1024:1024
)

work=$(mktemp -d)
passes=0
failures=0

log() { printf '\n== %s\n' "$*"; }
pass() {
    printf 'PASS  %s\n' "$1"
    passes=$((passes + 1))
}
fail() {
    printf 'FAIL  %s\n' "$1"
    if [ -n "${2-}" ]; then printf '      %s\n' "$2"; fi
    failures=$((failures + 1))
}
# check DESCRIPTION COMMAND...: pass if the command succeeds
check() {
    local desc=$1
    shift
    if "$@" >"$work/check.out" 2>&1; then
        pass "$desc"
    else
        fail "$desc" "$(head -c 600 "$work/check.out" | tr '\n' ' ')"
    fi
}
die() {
    printf 'ERROR %s\n' "$*" >&2
    exit 2
}

teardown() {
    podman pod rm -f "$pod" >/dev/null 2>&1 || true
}
on_exit() {
    local rc=$?
    if [ "${SMOKE_KEEP:-0}" = 1 ]; then
        printf '\npod %s kept (SMOKE_KEEP=1; the graceful-stop check stopped its containers):\n' "$pod"
        printf '  export CONTAINERS_CONF=%s; podman pod start %s; podman pod rm -f %s\n' \
            "$CONTAINERS_CONF" "$pod" "$pod"
    else
        teardown
    fi
    rm -rf "$work"
    exit "$rc"
}
trap on_exit EXIT

# ---------------------------------------------------------------- HTTP helpers
# req [curl args...] URL: sets status; headers in $work/h, body in $work/b.
# Sleeps briefly afterwards so the functional checks never drain the host's
# rate-limit bucket (10 r/s by default); the burst test calls curl directly.
req() {
    req_now "$@"
    sleep 0.15
}
req_now() { # same without the pause
    status=$(curl -sS --max-time 10 -o "$work/b" -D "$work/h" -w '%{http_code}' "$@") || status=000
}
header() { # header NAME -> value of the last response header NAME (case-insensitive)
    tr -d '\r' <"$work/h" | awk -v n="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" \
        'BEGIN{FS=": "} tolower($1)==n {v=substr($0, length($1)+3)} END{if (v!="") print v}'
}
status_is() { [ "$status" = "$1" ] || { echo "status $status, expected $1"; return 1; }; }
body_has() { grep -qF -- "$1" "$work/b" || { echo "body lacks '$1': $(head -c 200 "$work/b")"; return 1; }; }
body_lacks() { ! grep -qiF -- "$1" "$work/b" || { echo "body contains '$1'"; return 1; }; }
header_is() {
    local v
    v=$(header "$1")
    [ "$v" = "$2" ] || { echo "$1: '$v', expected '$2'"; return 1; }
}
header_absent() { [ -z "$(header "$1")" ] || { echo "$1 present: $(header "$1")"; return 1; }; }
page_client() { sed -n 's:.*REMOTE_ADDR)</dt><dd>\([^<]*\)</dd>.*:\1:p' "$work/b"; }
client_is() {
    local c
    c=$(page_client)
    [ "$c" = "$1" ] || { echo "page shows client '$c', expected '$1'"; return 1; }
}
security_headers() {
    local name
    for name in X-Content-Type-Options X-Frame-Options Referrer-Policy Content-Security-Policy \
        Permissions-Policy Cross-Origin-Opener-Policy; do
        [ -n "$(header "$name")" ] || { echo "missing $name (status $status)"; return 1; }
    done
}
wait_http() { # wait_http PATH EXPECTED_STATUS
    local i
    for i in $(seq 1 40); do
        if [ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url$1")" = "$2" ]; then return 0; fi
        sleep 0.25
    done
    return 1
}
tcp_closed() { # tcp_closed HOST PORT: succeeds if nothing accepts a connection
    ! timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# ------------------------------------------------------ container-side checks
in_ctr() { podman exec "$1" sh -c "$2"; }
procs_hardened() { # procs_hardened CONTAINER UID: every process non-root, no caps, NNP, seccomp
    # shellcheck disable=SC2016 # expanded inside the container
    in_ctr "$1" 'for s in /proc/[0-9]*/status; do grep -E "^(Name|Uid|Gid|CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):" "$s" | tr "\n\t" "  "; echo; done' >"$work/procs"
    cat "$work/procs"
    local uid=$2
    awk -v uid="$uid" '
        /Name:/ { n++
          if ($0 !~ "Uid: +" uid " +" uid " +" uid " +" uid) bad=bad " uid:" $2
          if ($0 !~ /CapEff: +0000000000000000/ || $0 !~ /CapPrm: +0000000000000000/ || $0 !~ /CapBnd: +0000000000000000/) bad=bad " caps:" $2
          if ($0 !~ /NoNewPrivs: +1/) bad=bad " nnp:" $2
          if ($0 !~ /Seccomp: +2/) bad=bad " seccomp:" $2 }
        END { if (n < 2 || bad != "") { print "bad:" bad " (" n " processes)"; exit 1 } }' "$work/procs"
}
root_write_fails() { ! in_ctr "$1" 'touch /x' 2>/dev/null; }
tmp_write_works() { in_ctr "$1" 'touch /tmp/smoke && rm /tmp/smoke'; }
tmp_exec_fails() {
    local out
    if out=$(in_ctr "$1" 'cp /bin/true /tmp/t && chmod 755 /tmp/t && /tmp/t' 2>&1); then
        echo "executed a file from /tmp"
        return 1
    fi
    case $out in *'ermission denied'*) return 0 ;; *) echo "$out"; return 1 ;; esac
}
tmp_mount_ok() {
    local line
    line=$(in_ctr "$1" 'grep " /tmp " /proc/mounts')
    echo "$line"
    case $line in *noexec*) ;; *) return 1 ;; esac
    case $line in *nosuid*) ;; *) return 1 ;; esac
    case $line in *nodev*) ;; *) return 1 ;; esac
    case $line in *size=16384k*) ;; *) return 1 ;; esac
}
root_ro() { podman exec "$1" cat /proc/mounts | awk '$2 == "/" { print $4 }' | grep -q '^ro'; }
no_setid_files() {
    local found
    found=$(in_ctr "$1" 'find / -xdev -perm /6000 -type f 2>/dev/null' || true)
    [ -z "$found" ] || { echo "$found"; return 1; }
}
mem_limit_is() {
    local v
    v=$(in_ctr "$1" 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max')
    [ "$v" = "$2" ] || { echo "limit $v, expected $2"; return 1; }
}
listeners_are() { # listeners_are CONTAINER "sorted list of addr:port" (IPv4, LISTEN sockets)
    local got
    got=$(in_ctr "$1" 'cat /proc/net/tcp' | awk 'NR>1 && $4=="0A" {print $2}' | while IFS=: read -r a p; do
        printf '%d.%d.%d.%d:%d\n' "0x${a:6:2}" "0x${a:4:2}" "0x${a:2:2}" "0x${a:0:2}" "0x$p"
    done | sort -u | tr '\n' ' ')
    [ "$got" = "$2 " ] || { echo "listening: $got; expected $2"; return 1; }
}

# ---------------------------------------------------------------- preflight
[ "$(id -u)" = 0 ] || die "run as root (rootful podman; mmdebstrap needs root too)"
for tool in podman curl timeout awk; do command -v "$tool" >/dev/null || die "missing $tool"; done
printf 'CONTAINERS_CONF=%s\n' "$CONTAINERS_CONF"
teardown

# ---------------------------------------------------------------- base image
log "base image $base_image"
if podman image exists "$base_image"; then
    echo "present: $(podman image inspect -f '{{index .RepoTags 0}}' "$base_image")"
elif timeout 60 podman pull -q "docker.io/library/$base_image" >/dev/null 2>&1; then
    echo "pulled docker.io/library/$base_image"
else
    command -v mmdebstrap >/dev/null || die "no registry and no mmdebstrap to build $base_image"
    echo "no registry: building it with mmdebstrap (slim: no docs/man/locales, like the official image)"
    # shellcheck disable=SC2016 # "$1" in the hook is expanded by mmdebstrap's shell
    mmdebstrap --quiet --variant=minbase --include=ca-certificates \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
        --dpkgopt='path-exclude=/usr/share/linda/*' \
        --customize-hook='rm -f "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old' \
        trixie "$work/trixie.tar" http://deb.debian.org/debian
    podman import -q "$work/trixie.tar" "$base_image" >/dev/null
    rm -f "$work/trixie.tar"
    echo "imported as $(podman image inspect -f '{{index .RepoTags 0}}' "$base_image")"
fi

# ---------------------------------------------------------------- build
# --format docker: the OCI image format has no HEALTHCHECK (podman drops it).
build() { # build IMAGE DIR
    local start end
    start=$(date +%s.%N)
    if ! podman build --format docker -q -t "$1" "$repo/$2" >"$work/build.log" 2>&1; then
        cat "$work/build.log" >&2
        die "build of $2 failed"
    fi
    end=$(date +%s.%N)
    awk -v i="$1" -v s="$start" -v e="$end" 'BEGIN { printf "built %-36s in %5.1fs\n", i, e - s }'
}
if [ "${SMOKE_SKIP_BUILD:-0}" = 1 ]; then
    log "build skipped (SMOKE_SKIP_BUILD=1)"
else
    log "build"
    build "$app_image" containers/app
    build "$proxy_image" containers/proxy
fi
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'secure-ecs-(app|proxy):smoke'
size_ok() { # size_ok IMAGE MAX_MB
    local bytes
    bytes=$(podman image inspect -f '{{.Size}}' "$1")
    echo "$1: $((bytes / 1000000)) MB"
    [ "$bytes" -le $(($2 * 1000000)) ]
}
check "app image <= 150 MB" size_ok "$app_image" 150
check "proxy image <= 100 MB" size_ok "$proxy_image" 100

# ---------------------------------------------------------------- run
run_app() {
    podman run -d --pod "$pod" --name "$app" --user 33:33 --memory 256m "${hardening[@]}" \
        "$app_image" >>"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; die "app did not start"; }
}
run_proxy() { # run_proxy TRUSTED_PROXY_CIDRS [extra podman args...]
    local trusted=$1
    shift
    podman run -d --pod "$pod" --name "$proxy" --user 101:101 --memory 128m "${hardening[@]}" \
        -e TRUSTED_PROXY_CIDRS="$trusted" -e RETRY_AFTER_SECONDS="$retry_after" "$@" \
        "$proxy_image" >>"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; die "proxy did not start"; }
}

log "pod $pod (127.0.0.1:$port -> 8080)"
podman pod create --name "$pod" -p "127.0.0.1:$port:8080" >/dev/null
run_app
# First trust only a TEST-NET address, to learn which source address the proxy
# sees for requests from the host (the podman bridge gateway, via port
# forwarding) and to show that X-Forwarded-For from an untrusted peer is ignored.
run_proxy 192.0.2.1/32
wait_http /healthz 200 || { podman logs "$proxy" >&2; podman logs "$app" >&2; die "proxy never became ready"; }
req -H 'X-Forwarded-For: 1.2.3.4' "$url/"
peer=$(page_client)
[ -n "$peer" ] || die "could not read REMOTE_ADDR from the page (status $status)"
echo "source address of host requests as seen by the proxy: $peer"
check "XFF from an untrusted peer is ignored (page shows $peer, not 1.2.3.4)" client_is "$peer"
case $peer in *:*) trusted="$peer/128" ;; *) trusted="$peer/32" ;; esac
podman rm -f "$proxy" >/dev/null 2>&1
run_proxy "$trusted"
echo "proxy restarted with TRUSTED_PROXY_CIDRS=$trusted RETRY_AFTER_SECONDS=$retry_after"
wait_http /healthz 200 || { podman logs "$proxy" >&2; die "proxy never became ready"; }

log "memory right after start (idle)"
podman stats --no-stream --format '{{.Name}} {{.MemUsage}} pids={{.PIDs}}' "$app" "$proxy" || true

# ---------------------------------------------------------------- HTTP checks
log "HTTP through the proxy"
req "$url/"
check "GET / -> 200" status_is 200
check "GET / is the PHP page (PHP 8.4, fpm)" body_has "8.4."
check "GET / page shows the host's source address $peer" client_is "$peer"
check "GET / carries the security headers" security_headers
check "Server header has no version" header_is Server nginx
check "no X-Powered-By" header_absent X-Powered-By
check "no HSTS without X-Forwarded-Proto: https" header_absent Strict-Transport-Security
req -H 'X-Forwarded-Proto: https' "$url/"
check "HSTS with X-Forwarded-Proto: https" header_is Strict-Transport-Security "max-age=31536000; includeSubDomains"
req -I "$url/"
check "HEAD / -> 200" status_is 200
req -X POST --data 'a=b' "$url/"
check "small POST / -> 200" status_is 200

req "$url/healthz"
check "GET /healthz -> 200" status_is 200
check "/healthz body is ok" body_has ok
check "/healthz is text/plain" header_is Content-Type "text/plain; charset=utf-8"
check "/healthz is no-store" header_is Cache-Control no-store

req "$url/does-not-exist"
check "unknown path -> 404 (from the app)" status_is 404
check "404 carries the security headers" security_headers

for path in /fpm-ping /fpm-status '/fpm-status?full' /FPM-PING /index.php/fpm-ping /.env /.git/config; do
    req "$url$path"
    check "GET $path -> 404" status_is 404
    check "GET $path has no pong / pool status" body_lacks pong
    check "GET $path leaks no php-fpm status" body_lacks 'accepted conn'
done

for method in DELETE PUT PATCH OPTIONS; do
    req -X "$method" "$url/"
    check "$method / -> 405" status_is 405
    check "$method / has Allow: GET, HEAD, POST" header_is Allow "GET, HEAD, POST"
done
check "405 carries the security headers" security_headers

head -c $((2 * 1024 * 1024)) /dev/zero >"$work/2mb"
req -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$work/2mb" "$url/"
check "2 MB POST -> 413" status_is 413
check "413 carries the security headers" security_headers

req -H 'X-Forwarded-For: 1.2.3.4' "$url/"
check "XFF 1.2.3.4 from a trusted peer: page shows 1.2.3.4" client_is 1.2.3.4
req -H 'X-Forwarded-For: 6.6.6.6, 1.2.3.4' "$url/"
check "a client-prepended XFF entry is ignored (rightmost untrusted = 1.2.3.4)" client_is 1.2.3.4

log "rate limiting"
sleep 2.5 # let the buckets drain
urls=()
for i in $(seq 1 60); do urls+=("$url/?burst=$i"); done
curl -s --max-time 30 -D "$work/burst.h" -o /dev/null -w '%{http_code}\n' "${urls[@]}" >"$work/burst" || true
ok=$(grep -c '^200$' "$work/burst" || true)
limited=$(grep -c '^429$' "$work/burst" || true)
echo "60 fast requests: $ok x 200, $limited x 429"
check "burst of 60 gets some 429" test "$limited" -gt 0
check "burst of 60 still serves the burst allowance (>= 20 x 200)" test "$ok" -ge 20
check "429 responses carry Retry-After: $retry_after" grep -qixF "retry-after: $retry_after"$'\r' "$work/burst.h"
req_now "$url/"
check "$peer is still limited right after the burst -> 429" status_is 429
check "429 has Retry-After: $retry_after" header_is Retry-After "$retry_after"
check "429 body is plain text from @too_many_requests" body_has "Too Many Requests"
check "429 carries the security headers" security_headers
req_now "$url/healthz"
check "/healthz is not rate-limited while the bucket is empty" status_is 200
req_now -H 'X-Forwarded-For: 1.2.3.4' "$url/"
check "client 1.2.3.4 has its own bucket (200 while $peer is limited)" status_is 200
check "access log records the real client 1.2.3.4" sh -c "podman logs $proxy 2>/dev/null | grep -q '\"client\":\"1.2.3.4\",\"peer\":\"$peer\"'"

log "connection limit (proxy restarted with CONNECTIONS_PER_CLIENT=1)"
podman rm -f "$proxy" >/dev/null 2>&1
run_proxy "$trusted" -e CONNECTIONS_PER_CLIENT=1 -e REQUEST_TIMEOUT_SECONDS=20
wait_http /healthz 200 || { podman logs "$proxy" >&2; die "proxy never became ready"; }
# hold one connection open: a 4 kB POST body sent at 1 kB/s
head -c 4000 /dev/zero >"$work/4k"
curl -s -o /dev/null --max-time 20 --limit-rate 1k -X POST --data-binary "@$work/4k" "$url/" &
slow=$!
sleep 1
req_now "$url/"
check "second concurrent connection of $peer -> 429" status_is 429
req_now -H 'X-Forwarded-For: 5.6.7.8' "$url/"
check "another client (5.6.7.8) is not affected -> 200" status_is 200
wait "$slow" || true
req "$url/"
check "after the slow request ends, $peer is served again -> 200" status_is 200

# ---------------------------------------------------------------- network exposure
log "network exposure"
pod_ip=$(podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' \
    "$(podman pod inspect -f '{{.InfraContainerID}}' "$pod")")
echo "pod IP: $pod_ip"
check "host 127.0.0.1:9000 (php-fpm) not reachable" tcp_closed 127.0.0.1 9000
check "pod $pod_ip:9000 (php-fpm) not reachable from the host" tcp_closed "$pod_ip" 9000
check "pod $pod_ip:8081 (nginx health) not reachable from the host" tcp_closed "$pod_ip" 8081
check "pod listens only on 0.0.0.0:8080, 127.0.0.1:8081, 127.0.0.1:9000" \
    listeners_are "$app" "0.0.0.0:8080 127.0.0.1:8081 127.0.0.1:9000"

# ---------------------------------------------------------------- inside the containers
for c in "$app" "$proxy"; do
    log "inside $c"
    if [ "$c" = "$app" ]; then uid=33 mem=268435456; else uid=101 mem=134217728; fi
    check "$c: image health check passes (podman healthcheck run)" podman healthcheck run "$c"
    check "$c: every process uid $uid, CapEff/CapPrm/CapBnd 0, NoNewPrivs 1, Seccomp 2" procs_hardened "$c" "$uid"
    check "$c: root filesystem mounted ro" root_ro "$c"
    check "$c: touch /x fails" root_write_fails "$c"
    check "$c: /tmp is writable" tmp_write_works "$c"
    check "$c: executing a file from /tmp fails" tmp_exec_fails "$c"
    check "$c: /tmp tmpfs is noexec,nosuid,nodev,16m" tmp_mount_ok "$c"
    check "$c: no setuid/setgid files" no_setid_files "$c"
    check "$c: memory limit $((mem / 1048576)) MiB" mem_limit_is "$c" "$mem"
done

log "memory (after the checks)"
podman stats --no-stream --format '{{.Name}} {{.MemUsage}} pids={{.PIDs}}' "$app" "$proxy" || true

# ---------------------------------------------------------------- bad environment
log "invalid proxy environment is refused"
bad_env() { # bad_env VAR VALUE: the proxy must exit non-zero with a message naming VAR and VALUE
    local out rc=0
    out=$(podman run --rm --user 101:101 "${hardening[@]}" -e TRUSTED_PROXY_CIDRS=10.0.0.0/16 \
        -e "$1=$2" "$proxy_image" 2>&1) || rc=$?
    out=$(printf '%s\n' "$out" | grep -v 'systemd' || true)
    echo "rc=$rc: $out"
    [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -qF "$1='$2'"
}
check "RATE_LIMIT_PER_SECOND=abc refused" bad_env RATE_LIMIT_PER_SECOND abc
check "RATE_LIMIT_PER_SECOND=0 refused" bad_env RATE_LIMIT_PER_SECOND 0
check "RATE_LIMIT_BURST=-1 refused" bad_env RATE_LIMIT_BURST -1
check "TRUSTED_PROXY_CIDRS=10.0.0.0/33 refused" bad_env TRUSTED_PROXY_CIDRS 10.0.0.0/33
check "TRUSTED_PROXY_CIDRS=0.0.0.0/0 refused" bad_env TRUSTED_PROXY_CIDRS 0.0.0.0/0
check "empty TRUSTED_PROXY_CIDRS refused" bad_env TRUSTED_PROXY_CIDRS ''

# ---------------------------------------------------------------- graceful stop
log "graceful stop (STOPSIGNAL SIGQUIT through --init)"
stops_cleanly() { # stops_cleanly CONTAINER: exits 0 well before the 10 s kill timeout
    local start end code
    start=$(date +%s)
    podman stop -t 10 "$1" >/dev/null
    end=$(date +%s)
    code=$(podman inspect -f '{{.State.ExitCode}}' "$1")
    echo "exit code $code after $((end - start)) s"
    [ "$code" = 0 ] && [ $((end - start)) -lt 8 ]
}
check "proxy stops gracefully (exit 0)" stops_cleanly "$proxy"
check "app stops gracefully (exit 0)" stops_cleanly "$app"

log "result: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
