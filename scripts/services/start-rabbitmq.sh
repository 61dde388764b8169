#!/usr/bin/env bash
# Starts a private RabbitMQ node on loopback for the tests (Debian's rabbitmq-server, installed if missing when
# run as root): its own node name, ports, data folder and Erlang cookie, so it never meets a system broker.
# Works as root (CI) and as a normal user. Prints `export JENGA_TEST_RABBITMQ_URI=...` on stdout (eval it) and
# writes the same line to $JENGA_SERVICES_DIR/rabbitmq/env. Running it again while the node runs reuses it.
#
#   eval "$(scripts/services/start-rabbitmq.sh)"     ...tests...     scripts/services/stop-rabbitmq.sh
#
# Ports: JENGA_TEST_RABBITMQ_PORT (AMQP, default 5679), +20000 for Erlang distribution, epmd on
# JENGA_TEST_EPMD_PORT (default 4379).
set -euo pipefail
source "$(dirname "$0")/common.sh"
svc_require_packages rabbitmq-server

port="${JENGA_TEST_RABBITMQ_PORT:-5679}"
dir="$JENGA_SERVICES_DIR/rabbitmq"
source "$(dirname "$0")/rabbitmq-env.sh" "$dir" "$port"
uri="amqp://guest:guest@127.0.0.1:$port/"

if svc_pid_alive "$RABBITMQ_PID_FILE" && "$RABBITMQCTL" -q status >/dev/null 2>&1; then
  svc_log "rabbitmq already running (pid $(cat "$RABBITMQ_PID_FILE")) on 127.0.0.1:$port"
else
  rm -rf "$dir"
  mkdir -p "$dir/home" "$dir/log"
  # A private cookie: rabbitmqctl finds it through HOME.
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/home/.erlang.cookie"
  chmod 400 "$dir/home/.erlang.cookie"
  : > "$RABBITMQ_CONF_ENV_FILE"
  echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  # consumer_timeout: 3.10 (Debian 12) has only this global setting (no per-queue x-consumer-timeout before
  # 3.11.15/3.12); it must be at least the worker's RabbitMq__ConsumerTimeout (default 2 h = 7200000 ms).
  cat > "$RABBITMQ_CONFIG_FILE.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
loopback_users = none
consumer_timeout = 7200000
log.console = false
log.file.level = warning
CONF
  svc_log "starting rabbitmq node $RABBITMQ_NODENAME on 127.0.0.1:$port (data in $dir)"
  /usr/lib/rabbitmq/bin/rabbitmq-server -detached
  if ! "$RABBITMQCTL" -q wait "$RABBITMQ_PID_FILE" --timeout 120 >/dev/null; then
    svc_log "error: rabbitmq did not start; logs in $dir/log"
    tail -n 40 "$dir"/log/*.log >&2 2>/dev/null || true
    exit 1
  fi
fi
echo "export JENGA_TEST_RABBITMQ_URI=$uri" | tee "$dir/env"
