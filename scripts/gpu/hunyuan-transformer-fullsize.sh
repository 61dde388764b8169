#!/usr/bin/env bash
# Full-size HunyuanVideo transformer on a CUDA machine (random bf16 weights, 720p grid 32x45x80 + 256 text):
# one warm-up step, then one timed step each: carved at Turbo's 0.75 grid, carved at 720p (drop 0.8),
# dense at 720p. Prints per-step time, attention's share and peak GPU memory (nvidia-smi).
#
#   scripts/gpu/pack.sh DIR
#       (build machine, needs dotnet) writes DIR/jenga-gpu.tar.xz (GPU build of jenga-gpubench and the
#       kernel bench) plus these scripts.
#   hunyuan-transformer-fullsize.sh run ARCHIVE OUTDIR [bench options]
#       (GPU machine, needs a PyTorch install whose torch/lib provides libtorch_cuda) unpacks and runs the
#       bench with torch's lib folder on LD_LIBRARY_PATH; log in OUTDIR/transformer-fullsize.log.
#       It also writes real torch.save files for the checkpoint-reader tests to OUTDIR/pt-assets.
set -euo pipefail
mode="${1:-}"

case "$mode" in
  run)
    archive="${2:?usage: $0 run ARCHIVE OUTDIR}"
    out="${3:?usage: $0 run ARCHIVE OUTDIR}"
    shift 3
    mkdir -p "$out"
    if [ -f "$(dirname "$archive")/make_pt_assets.py" ]; then
      python3 "$(dirname "$archive")/make_pt_assets.py" "$out/pt-assets" > "$out/pt-assets.log" 2>&1 || echo "pt assets failed (see pt-assets.log)"
    fi
    work="$(mktemp -d)"
    tar -C "$work" -xJf "$archive"
    torchlib="$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))")"
    export LD_LIBRARY_PATH="$torchlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
    python3 -c "import torch;print('torch', torch.__version__)" | tee -a "$out/gpu.txt"
    "$work/jenga-gpu/jenga-gpubench" transformer "$@" 2>&1 | tee "$out/transformer-fullsize.log"
    ;;
  *)
    sed -n '2,13p' "$0"
    exit 2
    ;;
esac
