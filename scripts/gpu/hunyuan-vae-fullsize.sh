#!/usr/bin/env bash
# Full-size HunyuanVideo VAE (884-16c-hy, random weights) decoding a 720x1280x125 video's latents
# [1,16,32,90,160] with the reference's spatial + temporal tiling on a CUDA machine; prints time and peak memory.
#
#   scripts/gpu/hunyuan-vae-fullsize.sh pack [DEST]
#       On the development machine: publish a self-contained GPU build (-p:JengaGpu=true, no libtorch bundled)
#       and put it, with a copy of this script, into DEST (default: <repo>/.device/vae, git-ignored there).
#   DEST/hunyuan-vae-fullsize.sh run [bench arguments]
#       On the GPU machine (PyTorch installed, no .NET): unpack to /tmp, load the Python install's libtorch,
#       run jenga-bench-vae (default: fp16, latent 32,90,160, tiling on) and keep logs under $OUT (or ./gpu-out).
#       Bench arguments: --dtype fp16|bf16|fp32, --latent T,H,W, --no-tiling.
set -euo pipefail
mode="${1:-}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"

case "$mode" in
  pack)
    repo="$(git -C "$here" rev-parse --show-toplevel)"
    dest="${1:-$repo/.device/vae}"
    staging="$(mktemp -d)"
    trap 'rm -rf "$staging"' EXIT
    dotnet publish "$repo/src/JengaFleet.GpuBench.Vae/JengaFleet.GpuBench.Vae.csproj" -c Release -r linux-x64 \
      --self-contained true -p:JengaGpu=true -o "$staging/bench-vae" -nologo -v:q
    mkdir -p "$dest"
    tar -C "$staging" -cJf "$dest/bench-vae.tar.xz" bench-vae
    cp "$here/hunyuan-vae-fullsize.sh" "$dest/hunyuan-vae-fullsize.sh"
    chmod +x "$dest/hunyuan-vae-fullsize.sh"
    ls -l "$dest"
    ;;
  run)
    out="${OUT:-$PWD/gpu-out}"
    mkdir -p "$out"
    work=/tmp/jenga-bench-vae
    rm -rf "$work" && mkdir -p "$work"
    tar -C "$work" -xJf "$here/bench-vae.tar.xz"
    torch_lib="$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
    export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export JENGA_GPU_NAME="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
    python3 -c 'import torch; print("torch", torch.__version__)' | tee -a "$out/gpu.txt"
    # Cross-check of the bench's own NVML peak: nvidia-smi sampled every 100 ms.
    nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader,nounits -lms 100 > "$out/nvidia-smi-memory.csv" &
    sampler=$!
    set +e
    "$work/bench-vae/jenga-bench-vae" "$@" 2>&1 | tee "$out/bench-vae.log"
    status=${PIPESTATUS[0]}
    set -e
    kill "$sampler" 2>/dev/null || true
    echo "nvidia-smi peak memory.used: $(awk -F', *' '$2 + 0 > m { m = $2 + 0 } END { print m }' "$out/nvidia-smi-memory.csv") MiB"
    exit "$status"
    ;;
  *)
    sed -n '2,14p' "$0"
    exit 2
    ;;
esac
