#!/usr/bin/env bash
# Packs what a GPU machine without dotnet needs for the scripts in scripts/gpu: one self-contained GPU build
# (-p:JengaGpu=true: no libtorch bundled; torch's own is used there) of both benchmark programs,
# jenga-gpubench (src/JengaFleet.GpuBench) and JengaFleet.GpuBench.Kernel, in one folder jenga-gpu/ of
# DEST/jenga-gpu.tar.xz, plus the scripts.
# Usage: scripts/gpu/pack.sh DEST
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${1:?usage: $0 DEST}"
publish="$(mktemp -d)"
for project in JengaFleet.GpuBench JengaFleet.GpuBench.Kernel; do
  dotnet publish "$repo/src/$project" -c Release -r linux-x64 --self-contained true -p:JengaGpu=true -o "$publish/jenga-gpu" -nologo -v:q
done
mkdir -p "$dest/scripts/gpu"
tar -C "$publish" -cJf "$dest/jenga-gpu.tar.xz" jenga-gpu
cp "$repo"/scripts/gpu/*.sh "$dest/scripts/gpu/"
cp "$repo/tests/JengaFleet.Models.Tests/Assets/pytorch/make_pt_assets.py" "$dest/"
rm -rf "$publish"
# Restore the CPU build's package assets for this tree.
dotnet restore "$repo/JengaFleet.sln" -nologo -v:q >/dev/null
ls -la "$dest"
