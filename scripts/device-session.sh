#!/bin/bash
# One device session for the CUDA backend: unpack the bundle, gpu-smoke, calibrate, real stacking.
# Run with carry [".carry/cuda"]: bash .carry/cuda/device.sh (results in $OUT/results.tar.gz). An overlay.jar next
# to the bundle, if present, goes first on the class path (quick iterations without rebuilding the bundle).
set -u
REPO=$(pwd)
W=/tmp/lw; RES=$W/res; mkdir -p $W $RES
tar -xJf "$REPO/.carry/cuda/lithos-bundle.tar.xz" -C $W
export CUDA_DEVICE_MAX_CONNECTIONS=32
if [ -f "$REPO/.carry/cuda/overlay.jar" ]; then  # newer classes than the bundle's jar, first on the class path
  L() { $W/lithos/runtime/bin/java --enable-native-access=ALL-UNNAMED -cp "$REPO/.carry/cuda/overlay.jar:$W/lithos/lib/lithos.jar" io.lithosj.cli.LithosCli "$@"; }
else
  L() { $W/lithos/bin/lithos "$@"; }
fi
export -f L; export W REPO
export LITHOS_DEBUG=1
{ nvidia-smi; nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,power.limit,temperature.gpu,utilization.gpu --format=csv; } > $RES/env.txt 2>&1
cd $W
s=$(date +%s)
timeout 120 bash -c 'L "$@"' _ gpu-smoke --out $RES/smoke > $RES/smoke.log 2>&1; echo "smoke rc=$? $(( $(date +%s) - s ))s" >> $RES/status.txt
s=$(date +%s)
timeout ${CAL_TIMEOUT:-300} bash -c 'L "$@"' _ calibrate --out $W/calibration/h100-sxm ${CAL_ARGS:-} > $RES/calibrate.log 2>&1; echo "calibrate rc=$? $(( $(date +%s) - s ))s" >> $RES/status.txt
cp -r $W/calibration $RES/
s=$(date +%s)
if [ -n "${STACK:-mps,priority,mig,lithos}" ]; then
  mkdir -p $RES/h100-real
  echo "lithos run --backend cuda -p ${STACK:-mps,priority,mig,lithos} -q -o results/h100-real datasets/scenarios/stacking-demo.json  # build $(cat $REPO/.carry/cuda/COMMIT 2>/dev/null), after: lithos calibrate --out calibration/h100-sxm" > $RES/h100-real/COMMAND.txt
  timeout 150 bash -c 'L "$@"' _ run --backend cuda -p ${STACK:-mps,priority,mig,lithos} -q -o $RES/h100-real "$REPO/datasets/scenarios/stacking-demo.json" > $RES/stacking.log 2>&1
  echo "stacking rc=$? $(( $(date +%s) - s ))s" >> $RES/status.txt
fi
nvidia-smi --query-gpu=clocks.sm,power.draw,temperature.gpu --format=csv >> $RES/env.txt 2>&1
tar -czf $OUT/results.tar.gz -C $W res
cp $RES/status.txt $RES/*.log $OUT/
