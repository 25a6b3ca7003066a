#!/bin/bash
# Are the real backend's remaining host stalls NVML's sampling thread? The solo scenarios twice each with NVML
# sampled every 20 ms (default), 100 ms and not at all (results/h100-real/gc/). On a GPU host, from the
# repository root: bash scripts/real-nvml-stalls.sh BUNDLE.tar.xz   (results in /tmp/nv, summary.txt)
set -u
bundle=$1
R=/tmp/nv; mkdir -p $R; W=/tmp/lithos-real; mkdir -p $W; tar -xJf "$bundle" -C $W
L=$W/lithos/bin/lithos
for rep in 1 2; do
for p in 20 100 0; do
  d=$R/p$p-r$rep; mkdir -p $d
  for s in solo-demo-hp solo-resnet50; do
    LITHOS_JAVA_OPTS="-XX:+UseParallelGC -Xms4g -Xmx4g -Dlithos.nvmlPeriodMs=$p" timeout 60 $L run --backend cuda --atom-log -q -o $d datasets/scenarios/real/$s.json > $d/$s.log 2>&1
  done
  python3 - $d <<'PY'
import csv,sys,os,glob
d=sys.argv[1]
for f in sorted(glob.glob(d+'/*-atoms.csv')):
    rows=list(csv.DictReader(open(f)))
    st=[float(r['seenMs'])-float(r['endMs']) for r in rows]
    big=[x for x in st if x>2]
    res=list(csv.DictReader(open(f.replace('-atoms.csv','.csv'))))[0]
    print(os.path.basename(d), os.path.basename(f)[:14], 'stalls>2ms', len(big), 'max %.1f'%max(st), 'p50', res['p50Ms'], 'p99', res['p99Ms'])
PY
done
done > $R/summary.txt
rm -f $R/*/*-atoms.csv
cat $R/summary.txt
