#!/bin/bash
# Real-GPU runs of datasets/scenarios/real/ through the CUDA backend, for `lithos compare`.
# On a GPU host, from the repository root, with the offline bundle of scripts/bundle.sh:
#   bash scripts/real-compare.sh BUNDLE.tar.xz OUT_DIR
# Every atom's timing goes to <scenario>-<policy>-atoms.csv.gz. Then, on any machine: ./lithos compare --real OUT_DIR datasets/scenarios/real/*.json
set -u
bundle=$1; out=$2
W=/tmp/lithos-real; mkdir -p "$W" "$out"
tar -xJf "$bundle" -C "$W"
L="$W/lithos/bin/lithos"
commit=$(cat "$(dirname "$bundle")/COMMIT" 2>/dev/null || git rev-parse HEAD 2>/dev/null || echo unknown)
{ nvidia-smi; nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,power.limit,temperature.gpu --format=csv; } > "$out/env.txt" 2>&1
: > "$out/COMMAND.txt"
for spec in stacking-demo:mps,priority,mig,lithos hybrid:mps,priority,mig,lithos solo-demo-hp:mps solo-resnet50:mps; do
  name=${spec%%:*}; policies=${spec#*:}
  cmd="lithos run --backend cuda --atom-log -p $policies -q -o $out datasets/scenarios/real/$name.json"
  [ -n "${LITHOS_JAVA_OPTS:-}" ] && cmd="LITHOS_JAVA_OPTS='$LITHOS_JAVA_OPTS' $cmd"
  echo "$cmd  # build $commit" >> "$out/COMMAND.txt"
  s=$(date +%s)
  timeout 240 "$L" run --backend cuda --atom-log -p "$policies" -q -o "$out" "datasets/scenarios/real/$name.json" > "$out/$name.log" 2>&1
  echo "$name rc=$? $(( $(date +%s) - s ))s" | tee -a "$out/status.txt"
done
nvidia-smi --query-gpu=clocks.sm,power.draw,temperature.gpu --format=csv >> "$out/env.txt" 2>&1
gzip -f "$out"/*-atoms.csv
