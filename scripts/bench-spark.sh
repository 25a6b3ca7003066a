#!/usr/bin/env bash
# Sweep throughput, embedded Spark against the in-process runner on the same cores: runs one sweep both ways,
# alternately, REPEATS times (default 2), and prints each run's simulated seconds per wall second and the overhead
# ratio (in-process throughput over Spark's; 1.0 = no overhead). Spark's figure includes starting its session, which the
# command prints on its own. Results are checked identical. Usage: scripts/bench-spark.sh [SWEEP.json] [CORES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sweep="${1:-$root/datasets/sweeps/atom-x-load.json}"
cores="${2:-2}"
repeats="${REPEATS:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$root"
./lithos sweep --help >/dev/null # builds the jar if needed
rate() { sed -n 's/.*: \([0-9.]*\) simulated s per wall s/\1/p' "$1"; }
echo "sweep $(basename "$sweep") on $cores cores, $repeats repeats; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$repeats"); do
  ./lithos sweep "$sweep" --in-process --threads "$cores" -q -o "$out/local" >"$out/local-$i.txt" 2>&1
  ./lithos sweep "$sweep" --master "local[$cores]" --no-parquet -q -o "$out/spark" >"$out/spark-$i.txt" 2>&1
  cmp -s "$out"/local/*.csv "$out"/spark/*.csv || { echo "bench-spark: results differ" >&2; exit 1; }
  start=$(sed -n 's/.*Spark session on .* in \([0-9.]*\) s/\1/p' "$out/spark-$i.txt")
  l=$(rate "$out/local-$i.txt"); s=$(rate "$out/spark-$i.txt")
  sim=$(sed -n 's/^sweep [^:]*: [0-9]* points, \([0-9.]*\) simulated s.*/\1/p' "$out/spark-$i.txt")
  # Spark's throughput once its session is up: the simulated seconds over (wall - start-up)
  s2=$(awk -v sim="$sim" -v r="$s" -v st="$start" 'BEGIN { printf "%.2f", sim / (sim / r - st) }')
  echo "run $i: in-process $l sim-s/wall-s; Spark local[$cores] $s sim-s/wall-s, $s2 without its ${start} s session start;" \
    "overhead $(awk -v a="$l" -v b="$s" 'BEGIN { printf "%.2f", a / b }')x, $(awk -v a="$l" -v b="$s2" 'BEGIN { printf "%.2f", a / b }')x without start-up"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
