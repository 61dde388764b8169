#!/usr/bin/env bash
# Shared setup for the kernel scripts on a CUDA machine with PyTorch (sourced, not run):
# puts torch's libtorch on LD_LIBRARY_PATH, prints the GPU, torch and NVRTC it finds, and finds or
# builds the published JengaFleet.GpuBench.Kernel.
#   KERNEL_BENCH_DIR  folder holding a self-contained publish of src/JengaFleet.GpuBench.Kernel
#                     (built with -p:JengaGpu=true); published here when unset and dotnet exists.
#   OUT               where logs and tables go (default ./out/kernel)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$repo/out/kernel}"
mkdir -p "$OUT"

torch_lib="$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')"
export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export JENGA_KERNEL_CACHE="${JENGA_KERNEL_CACHE:-$OUT/kernel-cache}"

{
  echo "== $(date -u +%FT%TZ) $(hostname)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv || true
  python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)'
  echo "NVRTC candidates:"; ls "$torch_lib"/../../nvidia/*/lib/libnvrtc* 2>/dev/null || echo "  none beside torch"
  command -v compute-sanitizer || echo "compute-sanitizer: not on PATH"
} 2>&1 | tee "$OUT/environment.txt"

if [ -z "${KERNEL_BENCH_DIR:-}" ]; then
  KERNEL_BENCH_DIR="$repo/out/kernel-bench-publish"
  dotnet publish "$repo/src/JengaFleet.GpuBench.Kernel" -c Release -r linux-x64 --self-contained true -p:JengaGpu=true -o "$KERNEL_BENCH_DIR" -nologo -v:q
fi
kernel_bench="$KERNEL_BENCH_DIR/JengaFleet.GpuBench.Kernel"
