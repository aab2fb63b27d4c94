#!/usr/bin/env bash
# Host-only checks for containers/ (no podman): the same tools the project's
# unit tests use. Renders the proxy config with the host's envsubst and tests
# it with the host's nginx (Debian 12: 1.22), lints every PHP file with the
# host's php (8.2) and every shell script with shellcheck.
#
# Usage: test/containers/host-checks.sh   (needs nginx, envsubst, php, shellcheck)
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/../.." && pwd)
proxy=$repo/containers/proxy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

pass() { printf 'PASS  %s\n' "$1"; }
fail() {
    printf 'FAIL  %s\n' "$1"
    if [ -n "${2-}" ]; then printf '      %s\n' "$2"; fi
    failures=$((failures + 1))
}
check() {
    local desc=$1
    shift
    if "$@" >"$work/out" 2>&1; then pass "$desc"; else fail "$desc" "$(head -c 600 "$work/out" | tr '\n' ' ')"; fi
}

# render NAME [VAR=VALUE...]: renders into its own directory with a clean
# environment; NGINX_RUNTIME_DIR (pid file and temp paths, which nginx -t
# creates) points there too unless the caller sets it.
render() {
    local name=$1
    shift
    mkdir -p "$work/$name"
    env -i PATH=/usr/local/bin:/usr/bin:/bin NGINX_RUNTIME_DIR="$work/$name" "$@" \
        "$proxy/render-nginx-config" "$proxy/nginx.conf.template" "$work/$name/nginx.conf"
}
nginx_t() { nginx -e stderr -t -c "$work/$1/nginx.conf"; }
has_line() { grep -qF -- "$2" "$work/$1/nginx.conf" || { echo "missing: $2"; return 1; }; }
refused() { # refused VAR=VALUE...: rendering must fail with exit 64 and name the variable
    local rc=0 var=${1%%=*}
    mkdir -p "$work/bad"
    env -i PATH=/usr/bin:/bin TRUSTED_PROXY_CIDRS=10.0.0.0/16 "$@" \
        "$proxy/render-nginx-config" "$proxy/nginx.conf.template" "$work/bad/nginx.conf" 2>"$work/bad/err" || rc=$?
    cat "$work/bad/err"
    [ "$rc" -eq 64 ] && grep -q "invalid $var=" "$work/bad/err" && [ "$(wc -l <"$work/bad/err")" -eq 1 ]
}

echo "== tools: $(nginx -v 2>&1), $(php -r 'echo "php ", PHP_VERSION;'), $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"

echo "== shell scripts"
for f in "$repo/containers/app/healthcheck" "$proxy/render-nginx-config" "$proxy/start-proxy" \
    "$proxy/healthcheck" "$here"/*.sh; do
    check "shellcheck ${f#"$repo"/}" shellcheck "$f"
done

echo "== PHP (host php, so the code stays 8.2-compatible)"
while IFS= read -r -d '' f; do
    check "php -l ${f#"$repo"/}" php -l "$f"
done < <(find "$repo/containers/app/src" -name '*.php' -print0)

echo "== nginx config: defaults"
check "render defaults" render defaults TRUSTED_PROXY_CIDRS=10.0.0.0/16
check "nginx -t defaults" nginx_t defaults
for line in 'rate=10r/s;' 'limit_req zone=per_client burst=20 nodelay;' 'limit_conn per_client_conn 20;' 'client_max_body_size 1024k;' \
    'client_header_timeout 10s;' '"429:" "1";' 'fastcgi_pass 127.0.0.1:9000;' 'set_real_ip_from 10.0.0.0/16;' \
    "pid $work/defaults/nginx.pid;"; do
    check "defaults contain: $line" has_line defaults "$line"
done

echo "== nginx config: defaults, default runtime directory (as in the container)"
check "render with the default NGINX_RUNTIME_DIR" render container TRUSTED_PROXY_CIDRS=10.0.0.0/16 NGINX_RUNTIME_DIR=
check "pid is /tmp/nginx/nginx.pid" has_line container 'pid /tmp/nginx/nginx.pid;'
check "temp paths are under /tmp/nginx" has_line container 'client_body_temp_path /tmp/nginx/client_body;'
check "nginx -t with /tmp/nginx (created by the render script)" nginx_t container

echo "== nginx config: every variable set"
check "render non-default" render custom TRUSTED_PROXY_CIDRS='10.0.0.0/24, 10.0.1.0/24,2001:db8::/56' \
    RATE_LIMIT_PER_SECOND=3 RATE_LIMIT_BURST=0 CONNECTIONS_PER_CLIENT=5 CLIENT_MAX_BODY_SIZE_KB=64 \
    REQUEST_TIMEOUT_SECONDS=300 RETRY_AFTER_SECONDS=30 APP_FASTCGI_ADDRESS=localhost:9001
check "nginx -t non-default" nginx_t custom
for line in 'rate=3r/s;' 'limit_conn per_client_conn 5;' 'client_max_body_size 64k;' \
    'send_timeout 300s;' '"429:" "30";' 'fastcgi_pass localhost:9001;' 'set_real_ip_from 10.0.1.0/24;' \
    'set_real_ip_from 2001:db8::/56;'; do
    check "non-default contains: $line" has_line custom "$line"
done
check "RATE_LIMIT_BURST=0 renders limit_req without burst" has_line custom 'limit_req zone=per_client;'
check "render with RATE_LIMIT_BURST=1" render burst1 TRUSTED_PROXY_CIDRS=10.0.0.0/16 RATE_LIMIT_BURST=1
check "nginx -t RATE_LIMIT_BURST=1" nginx_t burst1
check "RATE_LIMIT_BURST=1 renders burst=1 nodelay" has_line burst1 'limit_req zone=per_client burst=1 nodelay;'

echo "== invalid environment is refused (exit 64, one line naming the variable)"
check "TRUSTED_PROXY_CIDRS unset" refused TRUSTED_PROXY_CIDRS=
check "TRUSTED_PROXY_CIDRS=10.0.0.0/8;evil" refused 'TRUSTED_PROXY_CIDRS=10.0.0.0/8;evil'
check "TRUSTED_PROXY_CIDRS=::/0" refused 'TRUSTED_PROXY_CIDRS=::/0'
check "RATE_LIMIT_PER_SECOND=1.5" refused RATE_LIMIT_PER_SECOND=1.5
check "RATE_LIMIT_BURST=-1" refused RATE_LIMIT_BURST=-1
check "CONNECTIONS_PER_CLIENT=0" refused CONNECTIONS_PER_CLIENT=0
check "CLIENT_MAX_BODY_SIZE_KB=1m" refused CLIENT_MAX_BODY_SIZE_KB=1m
check "REQUEST_TIMEOUT_SECONDS=301" refused REQUEST_TIMEOUT_SECONDS=301
check "RETRY_AFTER_SECONDS=0" refused RETRY_AFTER_SECONDS=0
check "APP_FASTCGI_ADDRESS='127.0.0.1:9000; x'" refused 'APP_FASTCGI_ADDRESS=127.0.0.1:9000; x'

if [ "$failures" -eq 0 ]; then echo "== all host checks passed"; else echo "== $failures host check(s) failed"; fi
[ "$failures" -eq 0 ]
