#!/usr/bin/env bash
# Stops the private RabbitMQ node that start-rabbitmq.sh started (and its epmd), waiting until it has exited.
set -euo pipefail
source "$(dirname "$0")/common.sh"
port="${JENGA_TEST_RABBITMQ_PORT:-5679}"
dir="$JENGA_SERVICES_DIR/rabbitmq"
[ -d "$dir" ] || exit 0
source "$(dirname "$0")/rabbitmq-env.sh" "$dir" "$port"
if svc_pid_alive "$RABBITMQ_PID_FILE"; then
  pid="$(cat "$RABBITMQ_PID_FILE")"
  "$RABBITMQCTL" -q stop "$RABBITMQ_PID_FILE" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  svc_log "rabbitmq stopped"
fi
command -v epmd >/dev/null 2>&1 && epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || \
  { [ -x /usr/lib/erlang/bin/epmd ] && /usr/lib/erlang/bin/epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1; } || true
rm -f "$dir/env"
