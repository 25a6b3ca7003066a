#!/usr/bin/env bash
# Rebuilds the PTX of the CUDA kernel library (lithos-core/src/main/cuda) into the resources
# that the CUDA backend loads, so machines without nvcc can run them. Needs nvcc (CUDA >= 12).
# PTX for compute_90 (H100) and compute_80 (A100); the driver JIT-compiles it for the GPU at hand.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/lithos-core/src/main/cuda/lithos_kernels.cu"
out="$root/lithos-core/src/main/resources/ptx"
mkdir -p "$out"
for cc in 90 80; do
  # __launch_bounds__(1024, 2) caps registers at 32, so 2048 threads fit on an SM whatever the block size.
  nvcc -ptx -arch=compute_$cc -O3 -lineinfo -o "$out/lithos_kernels_sm$cc.ptx" "$src"
  # Nothing here needs PTX ISA 9 (CUDA 13); claim ISA 8.0 so CUDA 12 drivers load it too.
  sed -i 's/^\.version 9\.[0-9]*$/.version 8.0/' "$out/lithos_kernels_sm$cc.ptx"
  # Check that the PTX assembles for a real GPU of that generation.
  ptxas -arch=sm_$cc -O3 -v "$out/lithos_kernels_sm$cc.ptx" -o /dev/null 2>&1 | grep -E "Compiling|registers" || true
done
echo "PTX written to $out"
