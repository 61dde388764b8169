#!/usr/bin/env bash
# Fetches NVRTC 12 (the CUDA run-time compiler, which needs no GPU) from Debian trixie's non-free section
# and unpacks it into a folder, so the kernel compile tests run on a machine without CUDA. Nothing is
# installed and the machine's apt setup is left alone: apt gets its own sources list, lists and cache in
# the folder (the trixie keys of debian-archive-keyring still check the signatures), dpkg -x unpacks.
# Prints the path of libnvrtc.so.12 (for JENGA_NVRTC) on stdout; a second run only prints it.
# Usage: scripts/fetch-nvrtc.sh [folder]   (default /opt/jenga-nvrtc)
set -euo pipefail

dest="${1:-/opt/jenga-nvrtc}"
marker="$dest/libnvrtc.path"
if [ -f "$marker" ] && [ -f "$(cat "$marker")" ]; then
  cat "$marker"
  exit 0
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for tool in apt-get apt-cache dpkg; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: fetching NVRTC needs $tool (Debian/Ubuntu)" >&2; exit 1; }
done
[ -f "$keyring" ] || { echo "error: fetching NVRTC needs $keyring (apt-get install debian-archive-keyring)" >&2; exit 1; }

mkdir -p "$dest"
work="$(mktemp -d "$dest/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"
arch="$(dpkg --print-architecture)"
echo "deb [signed-by=$keyring] http://deb.debian.org/debian trixie non-free" >"$work/sources.list"
apt_options=(
  -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Architecture=$arch"
  -o Acquire::Languages=none -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
  -o APT::Sandbox::User=root
)

# apt's output goes to a log that is shown only when a step fails.
run() {
  if ! "$@" >>"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    echo "error: fetching NVRTC from Debian trixie non-free failed at: $*" >&2
    exit 1
  fi
}

run apt-get "${apt_options[@]}" -q update
# The builtins package is versioned (libnvrtc-builtins12.4); take the one libnvrtc12 depends on.
builtins="$( (apt-cache "${apt_options[@]}" depends libnvrtc12 2>>"$work/apt.log" || true) | awk '$1 == "Depends:" && $2 ~ /^libnvrtc-builtins/ { print $2; exit }')"
if [ -z "$builtins" ]; then
  cat "$work/apt.log" >&2
  echo "error: Debian trixie non-free has no libnvrtc12 (or its builtins) for $arch" >&2
  exit 1
fi
(cd "$work/debs" && run apt-get "${apt_options[@]}" -q download libnvrtc12 "$builtins")
for deb in "$work"/debs/*.deb; do
  run dpkg -x "$deb" "$work/root"
done

lib="$(find "$work/root" -name libnvrtc.so.12 | head -n 1)"
if [ -z "$lib" ] || [ -z "$(find "$(dirname "$lib")" -name 'libnvrtc-builtins.so*' | head -n 1)" ]; then
  echo "error: the NVRTC packages did not contain libnvrtc.so.12 and libnvrtc-builtins.so" >&2
  exit 1
fi

# Swap the new tree in whole, then write the marker: an interrupted run leaves no marker and starts over.
rm -rf "$dest/root"
mv "$work/root" "$dest/root"
echo "$dest/root/${lib#"$work/root/"}" >"$marker"
cat "$marker"
