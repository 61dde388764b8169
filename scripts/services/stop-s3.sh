#!/usr/bin/env bash
# Stops the s3rver that start-s3.sh started.
set -euo pipefail
source "$(dirname "$0")/common.sh"
pid_file="$JENGA_SERVICES_DIR/s3/s3rver.pid"
if svc_pid_alive "$pid_file"; then
  pid="$(cat "$pid_file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  svc_log "s3rver stopped"
fi
rm -f "$pid_file" "$JENGA_SERVICES_DIR/s3/env"
