# shellcheck shell=bash
# Sourced by .ci/run and by the VM suite's guest job (test/vm/guest/job).
# start_until_served LABEL COMMAND...: run `npm start` (COMMAND) in its own process group until the app
# serves on 127.0.0.1:8080 (at most START_TIMEOUT seconds, default 900), then Ctrl-C it as a user would
# (SIGINT to the whole group) and check that nothing is left behind on either engine.
start_until_served() {
  local label=$1; shift
  local log; log=$(mktemp)
  local t0=$SECONDS served_after=""
  setsid "$@" >"$log" 2>&1 < /dev/null &
  local pid=$! served=""
  for _ in $(seq 1 "${START_TIMEOUT:-900}"); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if curl -fsS --max-time 2 http://127.0.0.1:8080/ 2>/dev/null | grep -q 'PHP'; then served=yes; break; fi
    sleep 1
  done
  served_after=$((SECONDS - t0))
  kill -INT -- "-$pid" 2>/dev/null || true
  wait "$pid" || true
  # npm may exit before the runner finishes tearing down: wait for the whole group to be gone.
  for _ in $(seq 1 120); do pgrep -g "$pid" >/dev/null || break; sleep 0.5; done
  cat "$log"
  rm -f "$log"
  [ -n "$served" ] || { echo "$label: npm start never served the app on 127.0.0.1:8080 (gave up after ${served_after} s)" >&2; return 1; }
  # npm start's task is secure-ecs-local (the default --name); only its containers count here. An
  # engine this user cannot reach (Docker without the docker group, podman missing) lists nothing.
  local left filter=label=secure-ecs.local=secure-ecs-local
  left="$(docker ps -a --filter "$filter" -q 2>/dev/null || true)$(podman ps -a --filter "$filter" -q 2>/dev/null || true)"
  if [ -n "$left" ]; then
    echo "$label: npm start left containers behind after Ctrl-C:" >&2
    docker ps -a --filter "$filter" >&2 || true
    podman ps -a --filter "$filter" >&2 || true
    return 1
  fi
  echo "$label: npm start served the app after ${served_after} s and tore everything down on Ctrl-C (after $((SECONDS - t0)) s in all)"
}
