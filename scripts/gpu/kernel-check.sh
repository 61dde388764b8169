#!/usr/bin/env bash
# Correctness of the CUDA block-sparse attention kernel on this machine's GPU (see docs/gpu-kernel.md):
# every case against the float64 dense masked reference, then a compute-sanitizer memcheck of a small case.
# Usage: [KERNEL_BENCH_DIR=<publish dir>] [OUT=<dir>] [VARIANTS=default,64x2] scripts/gpu/kernel-check.sh
source "$(dirname "$0")/kernel-env.sh"
set +e
"$kernel_bench" check --out "$OUT" --variants "${VARIANTS:-default,64x2}" 2>&1 | tee "$OUT/kernel-check.log"
status=${PIPESTATUS[0]}
sanitizer="$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -n 1 || true)"
if [ -n "$sanitizer" ]; then
  timeout 240 "$sanitizer" --tool memcheck --error-exitcode 3 "$kernel_bench" sanitize --out "${TMPDIR:-/tmp}/jenga-sanitize" \
    > "$OUT/sanitizer.log" 2>&1
  echo "compute-sanitizer memcheck exit code: $? (0 = clean, 3 = errors found, 124 = timed out; log $OUT/sanitizer.log)"
  tail -n 5 "$OUT/sanitizer.log"
else
  echo "compute-sanitizer not found: memcheck skipped"
fi
exit "$status"
