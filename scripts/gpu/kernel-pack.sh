#!/usr/bin/env bash
# Packs what the GPU machine needs to run kernel-check.sh / kernel-bench.sh without dotnet:
# a self-contained publish of src/JengaFleet.GpuBench.Kernel (GPU build) as tar.xz plus the scripts.
# Usage: scripts/gpu/kernel-pack.sh <destination folder>
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${1:?destination folder}"
publish="$(mktemp -d)"
dotnet publish "$repo/src/JengaFleet.GpuBench.Kernel" -c Release -r linux-x64 --self-contained true -p:JengaGpu=true -o "$publish" -nologo -v:q
mkdir -p "$dest/scripts/gpu"
tar -C "$publish" -cJf "$dest/kernel-bench.tar.xz" .
cp "$repo"/scripts/gpu/kernel-*.sh "$dest/scripts/gpu/"
rm -rf "$publish"
# Restore the CPU build's package assets for this worktree.
dotnet restore "$repo/JengaFleet.sln" -nologo -v:q >/dev/null
ls -la "$dest"
