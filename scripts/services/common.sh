# Shared by the service scripts: where their state lives (git-ignored) and how they print their variables.
# JENGA_SERVICES_DIR overrides the folder; each service keeps its data, logs, pid file and an `env` file
# with the variables the tests read.
JENGA_SERVICES_DIR="${JENGA_SERVICES_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.jenga-services}"
mkdir -p "$JENGA_SERVICES_DIR"

svc_log() { printf '[services] %s\n' "$*" >&2; }

# Installs Debian packages when missing (as root), or says what to install.
svc_require_packages() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    svc_log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    svc_log "error: missing ${missing[*]}; run as root once, or: sudo apt-get install ${missing[*]}"
    return 1
  fi
}

svc_pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
