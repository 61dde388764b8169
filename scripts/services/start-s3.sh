#!/usr/bin/env bash
# Starts an S3-speaking server on loopback for the tests: the npm package @20minutes/s3rver 4.0.4, installed
# into $JENGA_SERVICES_DIR/s3rver (git-ignored) when missing, run by node with --openssl-legacy-provider and
# allowMismatchedSignatures (the AWS SDK signs with headers s3rver recomputes differently), path-style only.
# Creates the bucket. Prints the `export JENGA_TEST_S3_*=...` lines on stdout (eval them) and writes them to
# $JENGA_SERVICES_DIR/s3/env. Port: JENGA_TEST_S3_PORT (default 4579).
set -euo pipefail
source "$(dirname "$0")/common.sh"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || svc_require_packages nodejs npm

port="${JENGA_TEST_S3_PORT:-4579}"
bucket="${JENGA_TEST_S3_BUCKET:-jenga-test}"
pkg_dir="$JENGA_SERVICES_DIR/s3rver"
dir="$JENGA_SERVICES_DIR/s3"
pid_file="$dir/s3rver.pid"
cli="$pkg_dir/node_modules/@20minutes/s3rver/lib/cli.js"

if [ ! -f "$cli" ]; then
  svc_log "installing @20minutes/s3rver@4.0.4 into $pkg_dir"
  mkdir -p "$pkg_dir"
  npm install --prefix "$pkg_dir" --no-audit --no-fund --no-save --loglevel=error @20minutes/s3rver@4.0.4 >&2
fi

if svc_pid_alive "$pid_file"; then
  svc_log "s3rver already running (pid $(cat "$pid_file")) on 127.0.0.1:$port"
else
  rm -rf "$dir"
  mkdir -p "$dir/data"
  svc_log "starting s3rver on 127.0.0.1:$port (data in $dir/data)"
  # The package ships no executable; its cli module exports the command, which we parse ourselves.
  nohup node --openssl-legacy-provider -e "require(process.argv[1]).parseAsync(process.argv.slice(2), { from: 'user' })" \
    "$cli" -d "$dir/data" -a 127.0.0.1 -p "$port" --silent --allow-mismatched-signatures --no-vhost-buckets \
    --configure-bucket "$bucket" > "$dir/s3rver.log" 2>&1 &
  echo $! > "$pid_file"
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    svc_pid_alive "$pid_file" || { svc_log "error: s3rver exited:"; cat "$dir/s3rver.log" >&2; exit 1; }
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { svc_log "error: s3rver did not open port $port"; cat "$dir/s3rver.log" >&2; exit 1; }
fi
{
  echo "export JENGA_TEST_S3_URL=http://127.0.0.1:$port"
  echo "export JENGA_TEST_S3_BUCKET=$bucket"
  echo "export JENGA_TEST_S3_ACCESS_KEY=S3RVER"
  echo "export JENGA_TEST_S3_SECRET_KEY=S3RVER"
} | tee "$dir/env"
