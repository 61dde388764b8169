#!/usr/bin/env bash
# Speed of the CUDA block-sparse attention kernel on this machine's GPU, all numbers from one run
# (see docs/gpu-kernel.md): dense SDPA, the kernel at kept fractions 10-50 %, the TorchSharp gather
# backend at 20 %, and the block-selection cost. Prints a markdown table last.
# Usage: [KERNEL_BENCH_DIR=<publish dir>] [OUT=<dir>] [VARIANTS=default,64x2] [QUICK=1] scripts/gpu/kernel-bench.sh
source "$(dirname "$0")/kernel-env.sh"
"$kernel_bench" bench --out "$OUT" --variants "${VARIANTS:-default,64x2}" ${QUICK:+--quick} 2>&1 | tee "$OUT/kernel-bench.log"
